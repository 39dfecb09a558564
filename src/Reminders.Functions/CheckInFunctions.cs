using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Reminders.CheckIn;
using Reminders.Http;
using Reminders.Unsubscribe;

namespace Reminders.Functions;

/// <summary>Anonymous: patients' mail clients carry no function key; the sealed token is the credential.</summary>
public sealed class CheckInFunctions(CheckInPages pages, UnsubscribePages neutral, RequestRateLimits limits)
{
    [Function("ShowCheckIn")]
    public Task<IResult> ShowCheckIn(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "head", Route = "check-in")] HttpRequest request, CancellationToken ct) =>
        CheckInApi.ShowCheckIn(request, pages, neutral, limits, ct);

    [Function("CheckIn")]
    public Task<IResult> CheckIn(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "check-in")] HttpRequest request, CancellationToken ct) =>
        CheckInApi.CheckIn(request, pages, neutral, limits, ct);
}
