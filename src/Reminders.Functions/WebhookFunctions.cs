using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;
using Reminders.Http;
using Reminders.Webhooks;

namespace Reminders.Functions;

/// <summary>
/// The clinic's webhook receiver and its deliveries (clinic key), and the queue trigger that delivers each event.
/// The queue is the setting Reminders__Webhooks__Queue, which the app must define (a binding expression has no default).
/// </summary>
public sealed class WebhookFunctions(
    ApiAuthentication auth, WebhookSubscriptions subscriptions, WebhookDeliveries deliveries, WebhookErasure erasure, WebhookSender sender,
    IOptions<WebhookOptions> options, TimeProvider time)
{
    [Function("GetWebhook")]
    public Task<IResult> Get([HttpTrigger(AuthorizationLevel.Function, "get", Route = "webhooks")] HttpRequest request, CancellationToken ct) =>
        WebhooksApi.GetWebhook(request, auth, subscriptions, time, ct);

    [Function("PutWebhook")]
    public Task<IResult> Put([HttpTrigger(AuthorizationLevel.Function, "put", Route = "webhooks")] HttpRequest request, CancellationToken ct) =>
        WebhooksApi.PutWebhook(request, auth, subscriptions, options, time, ct);

    [Function("DeleteWebhook")]
    public Task<IResult> Delete([HttpTrigger(AuthorizationLevel.Function, "delete", Route = "webhooks")] HttpRequest request, CancellationToken ct) =>
        WebhooksApi.DeleteWebhook(request, auth, subscriptions, erasure, ct);

    [Function("RotateWebhookSecret")]
    public Task<IResult> RotateSecret([HttpTrigger(AuthorizationLevel.Function, "post", Route = "webhooks/secret")] HttpRequest request, CancellationToken ct) =>
        WebhooksApi.RotateWebhookSecret(request, auth, subscriptions, time, ct);

    [Function("ListWebhookDeliveries")]
    public Task<IResult> ListDeliveries([HttpTrigger(AuthorizationLevel.Function, "get", Route = "webhooks/deliveries")] HttpRequest request, CancellationToken ct) =>
        WebhooksApi.ListWebhookDeliveries(request, auth, deliveries, ct);

    [Function("ReplayWebhookDelivery")]
    public Task<IResult> Replay(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "webhooks/deliveries/{eventId}/replay")] HttpRequest request, string eventId, CancellationToken ct) =>
        WebhooksApi.ReplayWebhookDelivery(request, eventId, auth, deliveries, ct);

    /// <summary>One attempt of one event; a failed attempt queues the next itself, so the host's retries only cover storage trouble.</summary>
    [Function("DeliverWebhook")]
    public Task Deliver([QueueTrigger("%Reminders:Webhooks:Queue%", Connection = "AzureWebJobsStorage")] string message, CancellationToken ct) =>
        sender.HandleAsync(message, ct);
}
