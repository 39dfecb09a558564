using Azure;
using Microsoft.Extensions.Logging;
using Reminders.Storage;

namespace Reminders.Webhooks;

/// <summary>
/// The events written beside patient changes (<see cref="WebhookOutboxEntity"/>): relayed to the queue right after
/// their transaction commits, and by the daily reconcile if the process died first.
/// </summary>
public sealed class WebhookOutbox(WebhookSubscriptions subscriptions, WebhookPublisher publisher, ReminderTables tables, TimeProvider time, ILogger<WebhookOutbox> logger)
{
    /// <summary>A row this old was not relayed by its writer: the reconcile relays it.</summary>
    public static readonly TimeSpan Abandoned = TimeSpan.FromMinutes(5);

    /// <summary>Only clinics with a receiver get outbox rows: for the others a status change costs nothing more.</summary>
    public ValueTask<bool> WantsAsync(string clinicId, CancellationToken ct) => subscriptions.WantsEventsAsync(clinicId, ct);

    /// <summary>
    /// Queues the events and removes their rows (<paramref name="written"/>: they were written). A failure is logged,
    /// not thrown: the change is committed, and its rows stay for the reconcile.
    /// </summary>
    public async Task RelayAsync(IReadOnlyList<WebhookOutboxEntity> rows, bool written, CancellationToken ct)
    {
        if (rows.Count == 0) return;
        try
        {
            await publisher.PublishAsync(rows.Select(r => r.ToPending()), ct);
            if (written) await RemoveAsync(rows, ct);
        }
        catch (Exception e) when (e is RequestFailedException or AggregateException)
        {
            logger.LogWarning(e, "Webhook events of clinic {ClinicId} could not be queued now; the daily reconcile relays them", rows[0].PartitionKey);
        }
    }

    /// <summary>Relays the clinic's outbox rows older than <see cref="Abandoned"/>. Returns how many.</summary>
    public async Task<int> RepairAsync(string clinicId, CancellationToken ct)
    {
        var cutoff = time.GetUtcNow() - Abandoned;
        var left = (await RowsAsync(clinicId, ct)).Where(r => r.At < cutoff).ToList();
        if (left.Count == 0) return 0;
        await publisher.PublishAsync(left.Select(r => r.ToPending()), ct);
        await RemoveAsync(left, ct);
        return left.Count;
    }

    /// <summary>Drops the clinic's outbox rows unsent (its receiver was removed), or only the patient's (erasure).</summary>
    public async Task DropAsync(string clinicId, string? patientId, CancellationToken ct)
    {
        var rows = (await RowsAsync(clinicId, ct)).Where(r => patientId is null || r.PatientId == patientId).ToList();
        if (rows.Count > 0) await RemoveAsync(rows, ct);
    }

    private async Task<List<WebhookOutboxEntity>> RowsAsync(string clinicId, CancellationToken ct)
    {
        var filter = Azure.Data.Tables.TableClient.CreateQueryFilter(
            $"PartitionKey eq {clinicId} and RowKey ge {WebhookOutboxEntity.Prefix} and RowKey lt {WebhookOutboxEntity.Prefix[..^1] + "}"}");
        var rows = new List<WebhookOutboxEntity>();
        await foreach (var row in tables.Patients.QueryAsync<WebhookOutboxEntity>(filter, cancellationToken: ct)) rows.Add(row);
        return rows;
    }

    private async Task RemoveAsync(IReadOnlyList<WebhookOutboxEntity> rows, CancellationToken ct)
    {
        foreach (var chunk in rows.Chunk(PartitionBatch.MaxActions))
        {
            var batch = new PartitionBatch(tables.Patients);
            foreach (var row in chunk) batch.Delete(row.PartitionKey, row.RowKey, ETag.All);
            if (!await batch.TrySubmitAsync(ct))
                foreach (var row in chunk) // one was gone already (relayed twice): remove the rest one by one
                    await tables.Patients.DeleteEntityAsync(row.PartitionKey, row.RowKey, ETag.All, ct);
        }
    }
}
