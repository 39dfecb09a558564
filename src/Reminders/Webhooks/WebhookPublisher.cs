using Azure;
using Reminders.Storage;

namespace Reminders.Webhooks;

/// <summary>
/// Hands events to the webhook queue: a delivery row per event (what the clinic lists and a replay re-sends), then
/// its first attempt. Publishing an event again (the outbox relay after a crash, a delivery report Event Grid
/// re-delivers) finds the row and only re-queues an event that never got its first attempt.
/// </summary>
public sealed class WebhookPublisher(ReminderTables tables, WebhookQueue queue, WebhookSubscriptions subscriptions, TimeProvider time)
{
    public async Task PublishAsync(IEnumerable<PendingWebhook> events, CancellationToken ct)
    {
        foreach (var e in events)
        {
            if (!await subscriptions.WantsEventsAsync(e.ClinicId, ct)) continue;
            await tables.EnsureCreatedAsync(ct);
            var now = time.GetUtcNow();
            var row = new WebhookDeliveryEntity
            {
                PartitionKey = e.ClinicId, RowKey = e.EventId, EventType = e.EventType, Body = e.Body, PatientId = e.PatientId,
                CreatedAt = now, RoundStartedAt = now,
            };
            try
            {
                await tables.Webhooks.AddEntityAsync(row, ct);
            }
            catch (RequestFailedException x) when (x.Status == 409)
            {
                var existing = (await tables.Webhooks.GetEntityAsync<WebhookDeliveryEntity>(e.ClinicId, e.EventId, cancellationToken: ct)).Value;
                // Published before, and its first attempt may never have been queued (a crash between the two writes).
                if (existing is not { State: WebhookDeliveryState.Pending, Attempts: 0 }) continue;
                row = existing;
            }
            await queue.EnqueueAsync(new WebhookAttempt(e.ClinicId, e.EventId, row.Round, 0), TimeSpan.Zero, ct);
        }
    }
}
