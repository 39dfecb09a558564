using Microsoft.AspNetCore.Mvc;
using Microsoft.OpenApi;
using Reminders.Http;
using Reminders.Webhooks;
using static Reminders.Server.ApiDescription.DescriptionConventions;

namespace Reminders.Server.ApiDescription;

/// <summary>What the webhook routes take and answer (see <see cref="RemindersApiDescription"/> for the rest).</summary>
public static class WebhooksApiDescription
{
    private const string Events = "Events: reminder.sent, reminder.skipped, reminder.expired, reminder.failed, reminder.delivered, " +
                                  "reminder.bounced, patient.optedOut, patient.optedIn; ids, status, reason and time, never an address.";

    public static RouteHandlerBuilder DescribeGetWebhook(this RouteHandlerBuilder route) => route
        .WithName("GetWebhook").WithTags("Webhooks")
        .WithSummary("This clinic's webhook receiver, and whether it is enabled (clinic).")
        .WithDescription("Never the secret. `enabled: false` with `disabledReason: RetriesExhausted` after an event could not be delivered for the whole retry window: PUT the URL again to enable it, then replay what it missed.")
        .Responds(200, typeof(WebhookView), "The receiver.", Json)
        .Responds(404, typeof(ProblemDetails), "The clinic has no webhook.", ProblemJson)
        .RequiresClinicKey();

    public static RouteHandlerBuilder DescribePutWebhook(this RouteHandlerBuilder route) => route
        .WithName("PutWebhook").WithTags("Webhooks")
        .WithSummary("Set this clinic's webhook receiver URL (clinic).")
        .WithDescription("https only, to a public host (no IP literal in a private, loopback or link-local range; the resolved address is checked again at every send). " +
                         "Events are POSTed signed per Standard Webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<base64 HMAC-SHA256 of id.timestamp.body>`), " +
                         "at least once, retried with back-off for about 24 hours with the same `webhook-id`. " + Events)
        .AcceptsJson<WebhookRequest>(JsonBody.MaxBytes)
        .Responds(200, typeof(WebhookView), "Updated (and enabled). The secret is unchanged and not shown.", Json)
        .Responds(201, typeof(WebhookView), "Created. `secret` (whsec_…) is shown only now.", Json)
        .RespondsInvalid("url is missing, not https, or points at a private, loopback or link-local address (`errors.url`).")
        .Responds(409, typeof(ProblemDetails), "The webhook kept changing meanwhile; try again.", ProblemJson)
        .RequiresClinicKey();

    public static RouteHandlerBuilder DescribeDeleteWebhook(this RouteHandlerBuilder route) => route
        .WithName("DeleteWebhook").WithTags("Webhooks")
        .WithSummary("Remove this clinic's webhook receiver (clinic).")
        .WithDescription("No more events are recorded or sent; those already queued are recorded NotSent.")
        .Responds(204, null, "Removed.")
        .Responds(404, typeof(ProblemDetails), "The clinic has no webhook.", ProblemJson)
        .RequiresClinicKey();

    public static RouteHandlerBuilder DescribeRotateWebhookSecret(this RouteHandlerBuilder route) => route
        .WithName("RotateWebhookSecret").WithTags("Webhooks")
        .WithSummary("A new signing secret for this clinic's webhook (clinic).")
        .WithDescription("`secret` is shown only now. The previous secret keeps signing beside it (a second `v1,` signature) until `previousSecretValidUntil`.")
        .Responds(200, typeof(WebhookView), "Rotated.", Json)
        .Responds(404, typeof(ProblemDetails), "The clinic has no webhook.", ProblemJson)
        .Responds(409, typeof(ProblemDetails), "The webhook kept changing meanwhile; try again.", ProblemJson)
        .RequiresClinicKey();

    public static RouteHandlerBuilder DescribeListWebhookDeliveries(this RouteHandlerBuilder route) => route
        .WithName("ListWebhookDeliveries").WithTags("Webhooks")
        .WithSummary("This clinic's recent webhook events and how each delivery went, newest first (clinic).")
        .WithDescription("State: Pending, Retrying (see nextAttemptAt), Delivered, Failed (the retry window ran out) or NotSent (no receiver, or disabled, when its turn came).")
        .WithQuery("limit", required: false, $"Events per page, 1 to {WebhookDeliveries.MaxPage} (default 50).",
            new OpenApiSchema { Type = JsonSchemaType.Integer, Minimum = "1", Maximum = WebhookDeliveries.MaxPage.ToString() })
        .WithQuery("after", required: false, "The previous page's `next`.", new OpenApiSchema { Type = JsonSchemaType.String })
        .Responds(200, typeof(WebhookDeliveriesPage), "One page.", Json)
        .RespondsInvalid("limit is out of range, or after is not an event id.")
        .RequiresClinicKey();

    public static RouteHandlerBuilder DescribeReplayWebhookDelivery(this RouteHandlerBuilder route) => route
        .WithName("ReplayWebhookDelivery").WithTags("Webhooks")
        .WithSummary("Send one event again, with the same webhook-id (clinic).")
        .WithDescription("A new round of attempts with a fresh retry window. Works whatever the event's state.")
        .Responds(202, null, "Queued.")
        .RespondsInvalid("eventId is not an event id.")
        .Responds(404, typeof(ProblemDetails), "No such event for this clinic.", ProblemJson)
        .RequiresClinicKey();
}
