using Azure;
using Azure.Data.Tables;
using Reminders.Storage;

namespace Reminders.Webhooks;

/// <summary>A clinic's recent deliveries, and replays of one.</summary>
public sealed class WebhookDeliveries(ReminderTables tables, WebhookQueue queue, TimeProvider time)
{
    public const int MaxPage = 100;

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
