using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Reminders.Configuration;
using Reminders.Storage;

namespace Reminders.Dispatch;

/// <summary>
/// The Server host's stand-in for the Functions queue trigger: reads the dispatch queue and settles each message.
/// Several instances read the same queue; a message is hidden while one works on it (and the ledger decides anyway).
/// A message that failed <c>Reminders:MaxDequeueCount</c> times goes to the poison queue, as the Functions host does.
/// </summary>
public sealed class DispatchQueueListener(
    DispatchQueue queue, DispatchHandler handler, PoisonDispatch poison, IOptions<RemindersOptions> options, ILogger<DispatchQueueListener> logger)
    : QueueConsumer(logger)
{
    /// <summary>Messages worked on at once by this instance (each settles its reminders with <c>SendParallelism</c>).</summary>
    public const int InFlight = 4;

    private static readonly TimeSpan RetryFailedAfter = TimeSpan.FromSeconds(30);

    protected override bool Enabled => options.Value.ConsumeDispatchQueue;
    protected override QueueClient Queue => queue.Queue;
    protected override int MessagesAtOnce => InFlight;
    /// <summary>Longer than one message's time budget.</summary>
    protected override TimeSpan Hidden => TimeSpan.FromMinutes(10);
    protected override ValueTask EnsureCreatedAsync(CancellationToken ct) => queue.EnsureCreatedAsync(ct);

    protected override async Task HandleAsync(QueueMessage message, CancellationToken ct)
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
