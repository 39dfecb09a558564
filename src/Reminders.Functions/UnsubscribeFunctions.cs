using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Reminders.Http;
using Reminders.Unsubscribe;

namespace Reminders.Functions;

/// <summary>Anonymous: patients' mail clients carry no function key; the signed token is the credential.</summary>
public sealed class UnsubscribeFunctions(UnsubscribePages pages, RequestRateLimits limits)
{
    [Function("ShowUnsubscribe")]
    public Task<IResult> ShowUnsubscribe(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "head", Route = "unsubscribe")] HttpRequest request, CancellationToken ct) =>
        UnsubscribeApi.ShowUnsubscribe(request, pages, limits, ct);

    [Function("Unsubscribe")]
    public Task<IResult> Unsubscribe(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "unsubscribe")] HttpRequest request, CancellationToken ct) =>
        UnsubscribeApi.Unsubscribe(request, pages, limits, ct);
}
