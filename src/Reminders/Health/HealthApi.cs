using Microsoft.AspNetCore.Http;
using Reminders.Http;

namespace Reminders.Health;

/// <summary>
/// Liveness (the process answers; nothing else is asked, so a storage outage never gets healthy instances restarted)
/// and readiness (this instance can work: storage, queue, email provider). <c>GET /api/health</c> is readiness, as it
/// was before the split (it checked storage).
/// </summary>
public static class HealthApi
{
    /// <summary><c>GET /api/health/live</c> (anyone): 200 while the process serves requests.</summary>
    public static IResult GetLive() => TypedResults.Ok(HealthStatus.Alive);

    /// <summary>
    /// <c>GET /api/health/ready</c> and <c>GET /api/health</c> (anyone): 200, or 503 naming what is not ready. Limited
    /// per client address: each call asks storage, the queue and the email provider, so an open loop on it would be an
    /// amplifier; a probe every few seconds is far below the limit.
    /// </summary>
    public static async Task<IResult> GetReady(HttpRequest request, ReadinessCheck readiness, RequestRateLimits limits, CancellationToken ct)
    {
        if (limits.Anonymous(request) is { } refused) return refused;
        var notReady = await readiness.NotReadyAsync(ct);
        if (notReady.Count == 0) return TypedResults.Ok(HealthStatus.Healthy);
        return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Service unavailable.",
            detail: string.Join(" ", notReady), extensions: new Dictionary<string, object?> { ["notReady"] = notReady });
    }

    /// <summary>Kept for callers of the single endpoint: the same as <see cref="GetReady"/>.</summary>
    public static Task<IResult> GetHealth(HttpRequest request, ReadinessCheck readiness, RequestRateLimits limits, CancellationToken ct) =>
        GetReady(request, readiness, limits, ct);
}
