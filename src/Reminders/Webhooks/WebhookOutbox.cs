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

    /// <summary>
    /// Every sweep: relays what a crash left behind, for the clinics with a receiver (one range read each; the others
    /// cost nothing). Returns how many events.
    /// </summary>
    public async Task<int> RepairAsync(IEnumerable<string> clinicIds, CancellationToken ct)
    {
        var relayed = 0;
        foreach (var clinicId in clinicIds)
            if (await WantsAsync(clinicId, ct)) relayed += await RepairAsync(clinicId, ct);
        if (relayed > 0) logger.LogWarning("{Count} webhook events left behind by an interrupted write were queued now", relayed);
        return relayed;
    }

    /// <summary>Relays the clinic's outbox rows older than <see cref="Abandoned"/>. Returns how many.</summary>
    public async Task<int> RepairAsync(string clinicId, CancellationToken ct)
    {
        var filter = Azure.Data.Tables.TableClient.CreateQueryFilter(
            $"PartitionKey eq {clinicId} and RowKey ge {WebhookOutboxEntity.Prefix} and RowKey lt {WebhookOutboxEntity.Prefix[..^1] + "}"}");
        var cutoff = time.GetUtcNow() - Abandoned;
        var left = new List<WebhookOutboxEntity>();
        await foreach (var row in tables.Patients.QueryAsync<WebhookOutboxEntity>(filter, cancellationToken: ct))
            if (row.At < cutoff) left.Add(row);
        if (left.Count == 0) return 0;
        await publisher.PublishAsync(left.Select(r => r.ToPending()), ct);
        await RemoveAsync(left, ct);
        return left.Count;
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
