using Azure;
using Reminders.Storage;

namespace Reminders.Webhooks;

/// <summary>
/// What erasing a patient removes from webhooks: their events not yet queued, their delivery rows (which hold the
/// patient id, never an address) and the rows naming the session of each reminder sent to them
/// (<see cref="SentReminderEntity"/>, keyed by reminder id, so deleted one by one). Nothing to do, and no request,
/// for a clinic without a receiver.
/// </summary>
public sealed class WebhookErasure(ReminderTables tables, WebhookSubscriptions subscriptions, WebhookOutbox outbox, WebhookDeliveries deliveries)
{
    public async Task ForgetPatientAsync(string clinicId, string patientId, IEnumerable<string> sentReminderIds, CancellationToken ct)
    {
        if (!await subscriptions.WantsEventsAsync(clinicId, ct)) return;
        await outbox.DropAsync(clinicId, patientId, ct);
        await deliveries.ErasePatientAsync(clinicId, patientId, ct);
        foreach (var reminderId in sentReminderIds.Distinct())
            if (Guid.TryParse(reminderId, out var id))
                await tables.Patients.DeleteEntityAsync(clinicId, SentReminderEntity.RowFor(id), ETag.All, ct); // a 404 does not throw
    }

    /// <summary>The receiver is gone: its unsent events, delivery history and sent-reminder rows go too.</summary>
    public async Task ForgetClinicAsync(string clinicId, CancellationToken ct)
    {
        await outbox.DropAsync(clinicId, null, ct);
        await deliveries.PurgeAsync(clinicId, all: true, ct);
        var filter = Azure.Data.Tables.TableClient.CreateQueryFilter(
            $"PartitionKey eq {clinicId} and RowKey ge {SentReminderEntity.Prefix} and RowKey lt {SentReminderEntity.Prefix[..^1] + "}"}");
        await foreach (var row in tables.Patients.QueryAsync<Azure.Data.Tables.TableEntity>(filter, select: ["RowKey"], cancellationToken: ct))
            await tables.Patients.DeleteEntityAsync(clinicId, row.RowKey, ETag.All, ct);
    }
}
