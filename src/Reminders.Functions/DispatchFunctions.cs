using Microsoft.Azure.Functions.Worker;
using Reminders.Dispatch;

namespace Reminders.Functions;

/// <summary>
/// The senders: one invocation per dispatch message, as many instances as the platform scales out to. The queue
/// options (batch size, retries, poison) are in host.json. The queue is the setting Reminders__DispatchQueue, which
/// the app must define (a binding expression has no default): local.settings.json does.
/// </summary>
public sealed class DispatchFunctions(DispatchHandler handler, PoisonDispatch poison)
{
    [Function("DispatchReminders")]
    public Task Dispatch([QueueTrigger("%Reminders:DispatchQueue%", Connection = "AzureWebJobsStorage")] string message, CancellationToken ct) =>
        handler.HandleAsync(message, ct);

    /// <summary>A message the host gave up on (maxDequeueCount): its reminders stay pending and are planned again.</summary>
    [Function("DispatchPoison")]
    public Task Poison([QueueTrigger("%Reminders:DispatchQueue%-poison", Connection = "AzureWebJobsStorage")] string message, CancellationToken ct) =>
        poison.RecordAsync(message, ct);
}
