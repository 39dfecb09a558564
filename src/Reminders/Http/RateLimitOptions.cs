using System.ComponentModel.DataAnnotations;

namespace Reminders.Http;

/// <summary>Settings under <c>Reminders:RateLimits</c> (environment: <c>Reminders__RateLimits__Name</c>).</summary>
public sealed class RateLimitOptions
{
    public const string Section = "Reminders:RateLimits";

    /// <summary>False: no call is refused with 429 (the admission control's 503 still applies on the Server).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Per clinic (every call made with one of its keys, whichever key): a token bucket. The default carries a nightly
    /// sync of several batch calls in flight and a steady 50 calls a second.
    /// </summary>
    public RateLimitBucket Clinic { get; set; } = new() { PermitsPerSecond = 50, Burst = 100 };

    /// <summary>Per client address on the anonymous endpoints (unsubscribe, email preview by link, openapi.json, readiness, and delivery-report calls without the right secret).</summary>
    public RateLimitBucket Anonymous { get; set; } = new() { PermitsPerSecond = 10, Burst = 30 };

    /// <summary>
    /// Where the client address for <see cref="Anonymous"/> comes from. Empty: the connection's remote address. A header
    /// name (e.g. <c>X-Forwarded-For</c>): the last address in it, the one the nearest proxy added; set it only when a
    /// proxy you trust always sets that header (Azure Functions and App Service front ends do). Unset: the Server uses the
    /// connection's address, the Functions app <c>X-Forwarded-For</c>.
    /// </summary>
    public string? ClientAddressHeader { get; set; }
}

/// <summary>A token bucket: <see cref="Burst"/> calls at once, refilled at <see cref="PermitsPerSecond"/>.</summary>
public sealed class RateLimitBucket
{
    /// <summary>Calls a second, sustained. Below 1, one call every 1/N seconds.</summary>
    [Range(0.0001, 1_000_000)]
    public double PermitsPerSecond { get; set; }

    /// <summary>Calls allowed at once after a quiet spell (the bucket's size).</summary>
    [Range(1, 1_000_000)]
    public int Burst { get; set; }
}
