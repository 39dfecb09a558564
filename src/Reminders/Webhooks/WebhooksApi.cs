using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Reminders.Http;

namespace Reminders.Webhooks;

/// <summary>A clinic's own receiver of signed events (Standard Webhooks), and what was sent to it. Clinic key.</summary>
public static class WebhooksApi
{
    /// <summary><c>GET /api/webhooks</c>: the receiver (never its secret), or 404.</summary>
    public static async Task<IResult> GetWebhook(HttpRequest request, ApiAuthentication auth, WebhookSubscriptions subscriptions, TimeProvider time, CancellationToken ct)
    {
        var caller = await auth.ClinicAsync(request, ct);
        if (caller.Clinic is not { } clinic) return caller.Refused;
        var row = await subscriptions.FindAsync(clinic.Id, ct);
        return row is null ? NoWebhook() : TypedResults.Ok(WebhookView.Of(row, time.GetUtcNow()));
    }

    /// <summary>
    /// <c>PUT /api/webhooks</c> <c>{"url": "https://…"}</c>: 201 with the signing secret, shown this once, when the clinic
    /// had no receiver; 200 when the URL changed or was set again (the secret stays; a disabled receiver is enabled).
    /// </summary>
    public static async Task<IResult> PutWebhook(HttpRequest request, ApiAuthentication auth, WebhookSubscriptions subscriptions,
        IOptions<WebhookOptions> options, TimeProvider time, CancellationToken ct)
    {
        var caller = await auth.ClinicAsync(request, ct);
        if (caller.Clinic is not { } clinic) return caller.Refused;
        var body = await JsonBody.ReadAsync<WebhookRequest>(request, ct);
        if (body.Error is not null) return body.Error;
        if (WebhookUrlPolicy.Check(body.Value!.Url, options.Value.AllowLoopbackForTests) is { } why) return Problems.Invalid("url", why);

        try
        {
            var (row, secret, created) = await subscriptions.SetUrlAsync(clinic.Id, body.Value.Url!, ct);
            var view = WebhookView.Of(row, time.GetUtcNow(), secret);
            return created ? TypedResults.Created("/api/webhooks", view) : TypedResults.Ok(view);
        }
        catch (Sessions.ConcurrencyException e)
        {
            return Problems.Conflict(e.Message);
        }
    }

    /// <summary><c>DELETE /api/webhooks</c>: 204; no more events are sent, and the delivery history goes with the receiver.</summary>
    public static async Task<IResult> DeleteWebhook(HttpRequest request, ApiAuthentication auth, WebhookSubscriptions subscriptions, WebhookErasure erasure, CancellationToken ct)
    {
        var caller = await auth.ClinicAsync(request, ct);
        if (caller.Clinic is not { } clinic) return caller.Refused;
        if (!await subscriptions.DeleteAsync(clinic.Id, ct)) return NoWebhook();
        await erasure.ForgetClinicAsync(clinic.Id, ct);
        return TypedResults.NoContent();
    }

    /// <summary>
    /// <c>POST /api/webhooks/secret</c>: a new signing secret, shown this once. The old one keeps signing beside it
    /// (two <c>v1,</c> signatures) until <c>previousSecretValidUntil</c>, so the receiver can switch without a gap.
    /// </summary>
    public static async Task<IResult> RotateWebhookSecret(HttpRequest request, ApiAuthentication auth, WebhookSubscriptions subscriptions, TimeProvider time, CancellationToken ct)
    {
        var caller = await auth.ClinicAsync(request, ct);
        if (caller.Clinic is not { } clinic) return caller.Refused;
        try
        {
            var rotated = await subscriptions.RotateSecretAsync(clinic.Id, ct);
            return rotated is { } r ? TypedResults.Ok(WebhookView.Of(r.Row, time.GetUtcNow(), r.Secret)) : NoWebhook();
        }
        catch (Sessions.ConcurrencyException e)
        {
            return Problems.Conflict(e.Message);
        }
    }

    /// <summary><c>GET /api/webhooks/deliveries?limit=&amp;after=</c>: the latest events and how each delivery went, newest first.</summary>
    public static async Task<IResult> ListWebhookDeliveries(HttpRequest request, ApiAuthentication auth, WebhookDeliveries deliveries, CancellationToken ct)
    {
        var caller = await auth.ClinicAsync(request, ct);
        if (caller.Clinic is not { } clinic) return caller.Refused;
        var limit = 50;
        if (request.Query["limit"] is { Count: > 0 } l && (l.Count > 1 || !int.TryParse(l[0], NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > WebhookDeliveries.MaxPage))
            return Problems.Invalid("limit", $"limit must be a whole number from 1 to {WebhookDeliveries.MaxPage}.");
        string? after = null;
        if (request.Query["after"] is { Count: > 0 } a)
        {
            if (a.Count > 1 || !WebhookEvent.IsWellFormedId(a[0])) return Problems.Invalid("after", "after must be an event id from a previous page's next.");
            after = a[0];
        }
        return TypedResults.Ok(await deliveries.ListAsync(clinic.Id, limit, after, ct));
    }

    /// <summary><c>POST /api/webhooks/deliveries/{eventId}/replay</c>: 202; the event is sent again with the same <c>webhook-id</c>.</summary>
    public static async Task<IResult> ReplayWebhookDelivery(HttpRequest request, string eventId, ApiAuthentication auth, WebhookDeliveries deliveries, CancellationToken ct)
    {
        var caller = await auth.ClinicAsync(request, ct);
        if (caller.Clinic is not { } clinic) return caller.Refused;
        if (!WebhookEvent.IsWellFormedId(eventId)) return Problems.Invalid("eventId", "eventId must be an event id as listed by GET /api/webhooks/deliveries.");
        return await deliveries.ReplayAsync(clinic.Id, eventId, ct)
            ? TypedResults.Accepted($"/api/webhooks/deliveries?limit=1")
            : Problems.NotFound("No such event for this clinic.");
    }

    private static IResult NoWebhook() => Problems.NotFound("This clinic has no webhook; set one with PUT /api/webhooks.");
}
