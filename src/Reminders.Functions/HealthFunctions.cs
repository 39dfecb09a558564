using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Reminders.Health;
using Reminders.Http;

namespace Reminders.Functions;

/// <summary>Anonymous: load balancers, platform health checks and uptime checks carry no key.</summary>
public sealed class HealthFunctions(ReadinessCheck readiness, RequestRateLimits limits)
{
    /// <summary>Readiness, under the name it always had.</summary>
    [Function("Health")]
    public Task<IResult> Health(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequest request, CancellationToken ct) =>
        HealthApi.GetHealth(request, readiness, limits, ct);

    [Function("HealthLive")]
    public IResult Live([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health/live")] HttpRequest request) => HealthApi.GetLive();

    [Function("HealthReady")]
    public Task<IResult> Ready(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health/ready")] HttpRequest request, CancellationToken ct) =>
        HealthApi.GetReady(request, readiness, limits, ct);
}
