using System.Net.Http.Headers;
using System.Text;
using Azure;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Reminders.Storage;

namespace Reminders.Webhooks;

/// <summary>
/// Works one webhook queue message: POSTs the event, signed, to the clinic's receiver, and records the answer on the
/// delivery row. A failure queues the next attempt after the next back-off delay, with the same <c>webhook-id</c>;
/// when the next attempt would fall past the retry window the event is Failed and the receiver disabled. The next
/// message is queued before the row records the attempt, so a crash between the two can only repeat an attempt.
/// Each attempt is claimed on the row first (ETag), so two messages for one attempt (an event published twice: a
/// delivery report Event Grid repeated) make one POST; the other comes back after the claim and finds it done.
/// </summary>
public sealed class WebhookSender(
    ReminderTables tables, WebhookSubscriptions subscriptions, WebhookQueue queue, WebhookHttp http,
    IOptions<WebhookOptions> options, TimeProvider time, ILogger<WebhookSender> logger)
{
    public async Task HandleAsync(string message, CancellationToken ct)
    {
        if (WebhookAttempt.Parse(message) is not { } attempt)
        {
            logger.LogWarning("A webhook queue message was not understood and is dropped");
            return;
        }
        await tables.EnsureCreatedAsync(ct);
        var found = await tables.Webhooks.GetEntityIfExistsAsync<WebhookDeliveryEntity>(attempt.ClinicId, attempt.EventId, cancellationToken: ct);
        if (!found.HasValue) return;
        var row = found.Value!;
        // Done already, or a message of an earlier attempt or round (a repeat, or from before a replay).
        if (row.Round != attempt.Round || row.Attempts != attempt.Attempt || row.State is WebhookDeliveryState.Delivered or WebhookDeliveryState.Failed or WebhookDeliveryState.NotSent)
            return;

        var subscription = await subscriptions.FindAsync(attempt.ClinicId, ct);
        if (subscription is null || !subscription.IsEnabled)
        {
            row.State = WebhookDeliveryState.NotSent;
            row.LastError = subscription is null ? "NoReceiver" : "ReceiverDisabled";
            row.NextAttemptAt = null;
            await TrySaveAsync(row, ct);
            return;
        }

        if (subscriptions.SigningSecrets(subscription) is not { } secrets)
        {
            // Nothing can be signed until the clinic rotates the secret: not an attempt, and the receiver says why.
            row.State = WebhookDeliveryState.NotSent;
            row.LastError = "SecretUnreadable";
            await TrySaveAsync(row, ct);
            await subscriptions.DisableAsync(attempt.ClinicId, subscription.Url, row.EventId, "SecretUnreadable", ct);
            logger.LogError("The webhook secret of clinic {ClinicId} cannot be unsealed (Reminders:LinkSigningKey changed); events are not sent until it is rotated", attempt.ClinicId);
            return;
        }

        var claimedAt = time.GetUtcNow();
        if (row.ClaimedUntil is { } until && until > claimedAt)
        {
            // Another sender has this attempt. Look again once its claim ends: done by then, or it died and this takes over.
            await queue.EnqueueAsync(attempt, until - claimedAt + TimeSpan.FromSeconds(1), ct);
            return;
        }
        row.ClaimedUntil = claimedAt + options.Value.Timeout * 2 + TimeSpan.FromSeconds(10);
        if (!await TrySaveAsync(row, ct)) return; // another sender claimed it first: its message carries on

        var (status, error) = await PostAsync(subscription.Url, secrets, row, ct);
        var now = time.GetUtcNow();
        row.ClaimedUntil = null;
        row.Attempts++;
        row.LastAttemptAt = now;
        row.LastStatusCode = status;
        row.LastError = error;
        if (error is null)
        {
            row.State = WebhookDeliveryState.Delivered;
            row.DeliveredAt = now;
            row.NextAttemptAt = null;
            await TrySaveAsync(row, ct);
            return;
        }

        var delay = options.Value.DelayBefore(row.Attempts);
        if (now + delay > row.RoundStartedAt + options.Value.RetryWindow)
        {
            row.State = WebhookDeliveryState.Failed;
            row.NextAttemptAt = null;
            await TrySaveAsync(row, ct);
            await subscriptions.DisableAsync(attempt.ClinicId, subscription.Url, row.EventId, "RetriesExhausted", ct);
            logger.LogWarning("Webhook event {EventId} of clinic {ClinicId} was not delivered within the retry window ({Attempts} attempts); the receiver is disabled",
                row.EventId, attempt.ClinicId, row.Attempts);
            return;
        }
        row.State = WebhookDeliveryState.Retrying;
        row.NextAttemptAt = now + delay;
        await queue.EnqueueAsync(attempt with { Attempt = row.Attempts }, delay, ct);
        await TrySaveAsync(row, ct);
    }

    private async Task<(int? Status, string? Error)> PostAsync(string url, IReadOnlyList<string> secrets, WebhookDeliveryEntity row, CancellationToken ct)
    {
        var timestamp = time.GetUtcNow().ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new StringContent(row.Body, Encoding.UTF8, new MediaTypeHeaderValue("application/json")),
        };
        request.Headers.Add("webhook-id", row.EventId);
        request.Headers.Add("webhook-timestamp", timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add("webhook-signature", WebhookSignature.Sign(secrets, row.EventId, timestamp, row.Body));
        try
        {
            using var response = await http.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
            var code = (int)response.StatusCode;
            return (code, code is >= 200 and < 300 ? null : "Http");
        }
        catch (HttpRequestException e) when (e.InnerException is WebhookHttp.BlockedAddressException)
        {
            return (null, "BlockedAddress");
        }
        catch (HttpRequestException)
        {
            return (null, "Unreachable");
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            return (null, "Timeout");
        }
    }

    /// <summary>
    /// Writes the row if unchanged since read. False: another sender claimed the attempt, or a replay started a new
    /// round meanwhile; either way that one's message carries on.
    /// </summary>
    private async Task<bool> TrySaveAsync(WebhookDeliveryEntity row, CancellationToken ct)
    {
        try
        {
            var response = await tables.Webhooks.UpdateEntityAsync(row, row.ETag, Azure.Data.Tables.TableUpdateMode.Replace, ct);
            row.ETag = response.Headers.ETag ?? row.ETag;
            return true;
        }
        catch (RequestFailedException e) when (e.IsLostRace())
        {
            return false;
        }
    }
}
