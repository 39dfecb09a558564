using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Reminders.Storage;

/// <summary>
/// The Server host's stand-in for a Functions queue trigger: takes a few messages at a time, hides each while it is
/// worked on, and backs off while the queue is empty (polling waits are real time, whatever clock the service is
/// given). Storage unreachable surfaces as an AggregateException after the SDK's retries, not only as
/// RequestFailedException; either way the consumer waits and tries again instead of ending the host.
/// </summary>
public abstract class QueueConsumer(ILogger logger) : BackgroundService
{
    private static readonly TimeSpan LongestIdlePoll = TimeSpan.FromSeconds(2);

    protected abstract bool Enabled { get; }
    protected abstract QueueClient Queue { get; }
    protected abstract int MessagesAtOnce { get; }
    /// <summary>How long a taken message stays hidden from other instances: longer than handling it can take.</summary>
    protected abstract TimeSpan Hidden { get; }
    protected abstract ValueTask EnsureCreatedAsync(CancellationToken ct);
    /// <summary>Handles (and deletes, or leaves to reappear) one message; must not throw.</summary>
    protected abstract Task HandleAsync(QueueMessage message, CancellationToken ct);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!Enabled) return;
        var idle = TimeSpan.FromMilliseconds(100);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await EnsureCreatedAsync(stoppingToken);
                QueueMessage[] messages = await Queue.ReceiveMessagesAsync(MessagesAtOnce, Hidden, stoppingToken);
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
                logger.LogWarning(e, "The queue {Queue} could not be read; trying again shortly", Queue.Name);
                await Task.Delay(LongestIdlePoll, stoppingToken);
            }
        }
    }
}
