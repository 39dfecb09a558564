using Azure;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Reminders.Configuration;

namespace Reminders.Dispatch;

/// <summary>
/// The Server host's stand-in for the Functions queue trigger: reads the dispatch queue and settles each message.
/// Several instances read the same queue; a message is hidden while one works on it (and the ledger decides anyway).
/// A message that failed <c>Reminders:MaxDequeueCount</c> times goes to the poison queue, as the Functions host does.
/// </summary>
public sealed class DispatchQueueListener(
    DispatchQueue queue, DispatchHandler handler, PoisonDispatch poison, IOptions<RemindersOptions> options, ILogger<DispatchQueueListener> logger)
    : BackgroundService
{
    /// <summary>Messages worked on at once by this instance (each settles its reminders with <c>SendParallelism</c>).</summary>
    public const int MessagesAtOnce = 4;

    /// <summary>How long a taken message stays hidden from other instances: longer than one message's time budget.</summary>
    public static readonly TimeSpan Hidden = TimeSpan.FromMinutes(10);

    private static readonly TimeSpan RetryFailedAfter = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan LongestIdlePoll = TimeSpan.FromSeconds(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.ConsumeDispatchQueue) return;
        var idle = TimeSpan.FromMilliseconds(100);
        // Polling waits are real time, whatever clock the service is given.
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await queue.EnsureCreatedAsync(stoppingToken);
                QueueMessage[] messages = await queue.Queue.ReceiveMessagesAsync(MessagesAtOnce, Hidden, stoppingToken);
                if (messages.Length == 0)
                {
                    await Task.Delay(idle, stoppingToken);
                    idle = TimeSpan.FromTicks(Math.Min(idle.Ticks * 2, LongestIdlePoll.Ticks));
                    continue;
                }
                idle = TimeSpan.FromMilliseconds(100);
                await Task.WhenAll(messages.Select(m => HandleAsync(m, stoppingToken)));
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // Storage unreachable surfaces as an AggregateException after the SDK's retries, not only as
                // RequestFailedException; either way the consumer waits and tries again instead of ending the host.
                logger.LogWarning(e, "The dispatch queue could not be read; trying again shortly");
                await Task.Delay(LongestIdlePoll, stoppingToken);
            }
        }
    }

    private async Task HandleAsync(QueueMessage message, CancellationToken ct)
    {
        var text = message.Body.ToString();
        try
        {
            if (message.DequeueCount > options.Value.MaxDequeueCount)
            {
                await queue.Poison.SendMessageAsync(text, ct);
                await poison.RecordAsync(text, ct);
            }
            else await handler.HandleAsync(text, ct);
            await queue.Queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, CancellationToken.None);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            logger.LogError(e, "Dispatch message {MessageId} failed (attempt {Attempt}); it is retried", message.MessageId, message.DequeueCount);
            try
            {
                await queue.Queue.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: RetryFailedAfter, cancellationToken: CancellationToken.None);
            }
            catch (Exception)
            {
                // It becomes visible again when its hiding time ends.
            }
        }
    }
}
