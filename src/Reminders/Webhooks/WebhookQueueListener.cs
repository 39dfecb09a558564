using Azure.Storage.Queues.Models;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Reminders.Webhooks;

/// <summary>
/// The Server host's stand-in for the Functions queue trigger of <see cref="WebhookSender"/>. A message whose handling
/// threw (storage trouble) reappears after its hiding time and is tried again; the delivery row keeps it from sending
/// twice what was already answered.
/// </summary>
public sealed class WebhookQueueListener(WebhookQueue queue, WebhookSender sender, IOptions<WebhookOptions> options, ILogger<WebhookQueueListener> logger)
    : BackgroundService
{
    private const int MessagesAtOnce = 16;
    private static readonly TimeSpan LongestIdlePoll = TimeSpan.FromSeconds(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Consume) return;
        // Longer than one attempt can take, so no other instance takes the message meanwhile.
        var hidden = options.Value.Timeout * 3 + TimeSpan.FromSeconds(30);
        var idle = TimeSpan.FromMilliseconds(100);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await queue.EnsureCreatedAsync(stoppingToken);
                QueueMessage[] messages = await queue.Queue.ReceiveMessagesAsync(MessagesAtOnce, hidden, stoppingToken);
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
                logger.LogWarning(e, "The webhook queue could not be read; trying again shortly");
                await Task.Delay(LongestIdlePoll, stoppingToken);
            }
        }
    }

    private async Task HandleAsync(QueueMessage message, CancellationToken ct)
    {
        try
        {
            await sender.HandleAsync(message.Body.ToString(), ct);
            await queue.Queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, CancellationToken.None);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            logger.LogError(e, "Webhook message {MessageId} failed (attempt {Attempt}); it is retried", message.MessageId, message.DequeueCount);
        }
    }
}
