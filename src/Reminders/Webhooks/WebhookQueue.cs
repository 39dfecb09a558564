using System.Text.Json;
using Azure.Storage.Queues;
using Microsoft.Extensions.Options;

namespace Reminders.Webhooks;

/// <summary>
/// The Storage queue of webhook attempts (<c>Reminders:Webhooks:Queue</c>). A message names one attempt of one event
/// (clinic, event, round, attempt); the delivery row decides whether it is still due, so a message seen twice, or
/// left from before a replay, sends nothing more.
/// </summary>
public sealed class WebhookQueue(QueueServiceClient service, IOptions<WebhookOptions> options)
{
    /// <summary>Storage queues hide a message for at most 7 days.</summary>
    private static readonly TimeSpan LongestDelay = TimeSpan.FromDays(7);

    private volatile bool _created;

    public QueueClient Queue => service.GetQueueClient(options.Value.Queue);

    public async ValueTask EnsureCreatedAsync(CancellationToken ct)
    {
        if (_created) return;
        await Queue.CreateIfNotExistsAsync(cancellationToken: ct);
        _created = true;
    }

    public async Task EnqueueAsync(WebhookAttempt attempt, TimeSpan delay, CancellationToken ct)
    {
        await EnsureCreatedAsync(ct);
        var visibility = delay <= TimeSpan.Zero ? (TimeSpan?)null : delay > LongestDelay ? LongestDelay : delay;
        await Queue.SendMessageAsync(JsonSerializer.Serialize(attempt), visibility, cancellationToken: ct);
    }
}

/// <summary>One attempt to deliver one event: what a webhook queue message holds (ids only).</summary>
public sealed record WebhookAttempt(string ClinicId, string EventId, int Round, int Attempt)
{
    public static WebhookAttempt? Parse(string text)
    {
        try
        {
            var attempt = JsonSerializer.Deserialize<WebhookAttempt>(text);
            return attempt is { ClinicId.Length: > 0 } && WebhookEvent.IsWellFormedId(attempt.EventId) ? attempt : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
