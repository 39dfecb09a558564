using Microsoft.Extensions.Logging;

namespace Reminders.Webhooks;

/// <summary>
/// Each sweep, for the clinics with a receiver: queue the events a crash left in the outbox, queue again deliveries
/// whose queue message was lost, and purge deliveries past their retention. Three range reads per such clinic; the
/// clinics without a receiver cost nothing.
/// </summary>
public sealed class WebhookUpkeep(WebhookSubscriptions subscriptions, WebhookOutbox outbox, WebhookDeliveries deliveries, ILogger<WebhookUpkeep> logger)
{
    public async Task RunAsync(IEnumerable<string> clinicIds, CancellationToken ct)
    {
        int relayed = 0, requeued = 0, purged = 0;
        foreach (var clinicId in clinicIds)
        {
            if (!await subscriptions.WantsEventsAsync(clinicId, ct)) continue;
            relayed += await outbox.RepairAsync(clinicId, ct);
            requeued += await deliveries.RequeueOverdueAsync(clinicId, ct);
            purged += await deliveries.PurgeAsync(clinicId, all: false, ct);
        }
        if (relayed + requeued + purged > 0)
            logger.LogInformation("Webhook upkeep: {Relayed} events left by an interrupted write queued, {Requeued} overdue deliveries queued again, {Purged} old deliveries purged",
                relayed, requeued, purged);
    }
}
