using Reminders.Ledger;
using Reminders.Storage;

namespace Reminders.Webhooks;

/// <summary>
/// Tells the clinic's receiver what a delivery report said: reminder.delivered, or reminder.bounced (Bounced or
/// Suppressed). The event id is made from the report itself, so when Event Grid delivers a report again (because the
/// first answer never reached it) the clinic gets the same event, not a second one.
/// </summary>
public sealed class DeliveryReportEvents(ReminderTables tables, WebhookSubscriptions subscriptions, WebhookPublisher publisher)
{
    public async Task TellAsync(LedgerEntry entry, string delivery, DateTimeOffset at, CancellationToken ct)
    {
        var type = delivery switch
        {
            "Delivered" => WebhookEventTypes.ReminderDelivered,
            "Bounced" or "Suppressed" => WebhookEventTypes.ReminderBounced,
            _ => null,
        };
        if (type is null || entry.ClinicId is not { Length: > 0 } clinicId || !await subscriptions.WantsEventsAsync(clinicId, ct)) return;
        // Which session: recorded with the Sent decision. None: sent before the clinic had a receiver, or erased.
        var sent = await tables.Patients.GetEntityIfExistsAsync<SentReminderEntity>(clinicId, SentReminderEntity.RowFor(entry.ReminderId), cancellationToken: ct);
        if (!sent.HasValue) return;
        var id = WebhookEvent.StableId(at, $"{entry.ReminderId}|{delivery}|{at.UtcTicks}");
        var e = WebhookEvent.Reminder(type, clinicId, entry.ReminderId, sent.Value!.PatientId, sent.Value.SessionId, delivery, null, at, id);
        await publisher.PublishAsync([PendingWebhook.From(e)], ct);
    }
}
