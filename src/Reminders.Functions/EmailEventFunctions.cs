using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;
using Reminders.Configuration;
using Reminders.Email;
using Reminders.Http;

namespace Reminders.Functions;

/// <summary>Event Grid's ACS delivery reports: the function key (<c>code=</c>) and the subscription's secret (<c>secret=</c>) both required.</summary>
public sealed class EmailEventFunctions(DeliveryReports reports, IOptions<RemindersOptions> options, RequestRateLimits limits)
{
    [Function("ReceiveEmailEvents")]
    public Task<IResult> ReceiveEmailEvents(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "events/email")] HttpRequest request, CancellationToken ct) =>
        DeliveryReportsApi.ReceiveEmailEvents(request, reports, options, limits, ct);

    [Function("ValidateEmailEvents")]
    public IResult ValidateEmailEvents(
        [HttpTrigger(AuthorizationLevel.Function, "options", Route = "events/email")] HttpRequest request) =>
        DeliveryReportsApi.ValidateEmailEvents(request, options, limits);
}
