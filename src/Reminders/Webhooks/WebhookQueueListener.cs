using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Reminders.Storage;

namespace Reminders.Webhooks;

/// <summary>
/// The Server host's stand-in for the Functions queue trigger of <see cref="WebhookSender"/>. A message whose handling
/// threw (storage trouble) reappears after its hiding time and is tried again; the delivery row keeps it from sending
/// twice what was already answered.
/// </summary>
public sealed class WebhookQueueListener(WebhookQueue queue, WebhookSender sender, IOptions<WebhookOptions> options, ILogger<WebhookQueueListener> logger)
    : QueueConsumer(logger)
{
    protected override bool Enabled => options.Value.Consume;
    protected override QueueClient Queue => queue.Queue;
    protected override int MessagesAtOnce => 16;
    protected override TimeSpan Hidden => options.Value.Timeout * 3 + TimeSpan.FromSeconds(30);
    protected override ValueTask EnsureCreatedAsync(CancellationToken ct) => queue.EnsureCreatedAsync(ct);

    protected override async Task HandleAsync(QueueMessage message, CancellationToken ct)
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
