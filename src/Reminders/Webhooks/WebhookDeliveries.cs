using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using Reminders.Storage;

namespace Reminders.Webhooks;

/// <summary>A clinic's recent deliveries: listing, replays, and upkeep (stuck ones queued again, old ones purged).</summary>
public sealed class WebhookDeliveries(ReminderTables tables, WebhookQueue queue, IOptions<WebhookOptions> options, TimeProvider time)
{
    public const int MaxPage = 100;

    /// <summary>How long delivery rows are kept (the listing shows what is left).</summary>
    public static readonly TimeSpan Retention = TimeSpan.FromDays(30);

    /// <summary>An attempt this late has lost its queue message (a crash, a poison message): upkeep queues it again.</summary>
    public static readonly TimeSpan Overdue = TimeSpan.FromMinutes(15);

    /// <summary>
    /// Queues again the clinic's deliveries that should have been attempted by now but were not, among the events of
    /// the last retry window and a day (a range of row keys: events are stored newest first); one past its window is
    /// Failed. Returns how many were queued again.
    /// </summary>
    public async Task<int> RequeueOverdueAsync(string clinicId, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey eq {clinicId} and RowKey ge {WebhookEvent.BoundFor(now)} and RowKey lt {WebhookEvent.BoundFor(now - options.Value.RetryWindow - TimeSpan.FromDays(1))}");
        var requeued = 0;
        await foreach (var row in tables.Webhooks.QueryAsync<WebhookDeliveryEntity>(filter, cancellationToken: ct))
        {
            if (row.State is not (WebhookDeliveryState.Pending or WebhookDeliveryState.Retrying)) continue;
            var due = row.NextAttemptAt ?? row.RoundStartedAt;
            if (due + Overdue > now || row.ClaimedUntil > now) continue;
            if (now > row.RoundStartedAt + options.Value.RetryWindow + Overdue)
            {
                row.State = WebhookDeliveryState.Failed;
                row.LastError ??= "Abandoned";
                try { await tables.Webhooks.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace, ct); }
                catch (RequestFailedException e) when (e.IsLostRace()) { }
                continue;
            }
            await queue.EnqueueAsync(new WebhookAttempt(clinicId, row.EventId, row.Round, row.Attempts), TimeSpan.Zero, ct);
            requeued++;
        }
        return requeued;
    }

    /// <summary>Deletes the clinic's delivery rows older than <see cref="Retention"/>, or all of them (<paramref name="all"/>: the receiver was removed).</summary>
    public async Task<int> PurgeAsync(string clinicId, bool all, CancellationToken ct)
    {
        var from = all ? WebhookEvent.IdPrefix : WebhookEvent.BoundFor(time.GetUtcNow() - Retention);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {clinicId} and RowKey ge {from} and RowKey lt {"evt`"}");
        return await DeleteAsync(clinicId, tables.Webhooks.QueryAsync<TableEntity>(filter, select: ["RowKey"], cancellationToken: ct), ct);
    }

    /// <summary>Erasure: deletes every delivery row about the patient (a scan of the clinic's last <see cref="Retention"/> of events).</summary>
    public async Task<int> ErasePatientAsync(string clinicId, string patientId, CancellationToken ct)
    {
        await tables.EnsureCreatedAsync(ct);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {clinicId} and RowKey ge {WebhookEvent.IdPrefix} and RowKey lt {"evt`"} and PatientId eq {patientId}");
        return await DeleteAsync(clinicId, tables.Webhooks.QueryAsync<TableEntity>(filter, select: ["RowKey"], cancellationToken: ct), ct);
    }

    private async Task<int> DeleteAsync(string clinicId, AsyncPageable<TableEntity> rows, CancellationToken ct)
    {
        var keys = new List<string>();
        await foreach (var row in rows) keys.Add(row.RowKey);
        foreach (var chunk in keys.Chunk(PartitionBatch.MaxActions))
        {
            var batch = new PartitionBatch(tables.Webhooks);
            foreach (var key in chunk) batch.Delete(clinicId, key, ETag.All);
            if (!await batch.TrySubmitAsync(ct))
                foreach (var key in chunk) await tables.Webhooks.DeleteEntityAsync(clinicId, key, ETag.All, ct);
        }
        return keys.Count;
    }

    /// <summary>Newest first, <paramref name="limit"/> at most, after event <paramref name="after"/> (the previous page's <c>next</c>).</summary>
    public async Task<WebhookDeliveriesPage> ListAsync(string clinicId, int limit, string? after, CancellationToken ct)
    {
        await tables.EnsureCreatedAsync(ct);
        var filter = after is null
            ? TableClient.CreateQueryFilter($"PartitionKey eq {clinicId} and RowKey ge {WebhookEvent.IdPrefix} and RowKey lt {"evt`"}")
            : TableClient.CreateQueryFilter($"PartitionKey eq {clinicId} and RowKey gt {after} and RowKey lt {"evt`"}");
        var rows = new List<WebhookDeliveryView>();
        await foreach (var row in tables.Webhooks.QueryAsync<WebhookDeliveryEntity>(filter, maxPerPage: limit + 1, cancellationToken: ct))
        {
            if (rows.Count == limit) return new(rows, rows[^1].Id);
            rows.Add(WebhookDeliveryView.Of(row));
        }
        return new(rows, null);
    }

    /// <summary>
    /// Sends the event again, in a new round with a fresh retry window and the same <c>webhook-id</c>. False: no such
    /// event for this clinic. A round still retrying is replaced (its pending message is dropped when it comes).
    /// </summary>
    public async Task<bool> ReplayAsync(string clinicId, string eventId, CancellationToken ct)
    {
        await tables.EnsureCreatedAsync(ct);
        for (var attempt = 0; ; attempt++)
        {
            var found = await tables.Webhooks.GetEntityIfExistsAsync<WebhookDeliveryEntity>(clinicId, eventId, cancellationToken: ct);
            if (!found.HasValue) return false;
            var row = found.Value!;
            row.Round++;
            row.Attempts = 0;
            row.State = WebhookDeliveryState.Pending;
            row.RoundStartedAt = time.GetUtcNow();
            row.NextAttemptAt = null;
            try
            {
                await tables.Webhooks.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace, ct);
            }
            catch (RequestFailedException e) when (e.IsLostRace() && attempt < 4)
            {
                continue;
            }
            await queue.EnqueueAsync(new WebhookAttempt(clinicId, eventId, row.Round, 0), TimeSpan.Zero, ct);
            return true;
        }
    }
}
