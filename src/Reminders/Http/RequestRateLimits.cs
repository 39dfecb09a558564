using System.Globalization;
using System.Net;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Reminders.Http;

/// <summary>
/// Rate limits shared by both hosts (the handlers call them, so the Server and the Functions app answer alike): a
/// token bucket per clinic (partitioned by clinic id, never by key) and one per client address on the anonymous
/// endpoints. Past a limit the answer is 429 with <c>Retry-After</c> (seconds) and <c>retry-after-ms</c>, as the
/// overload 503. Liveness is not limited; readiness is (it asks storage, the queue and the provider). Limiters of idle partitions are dropped by
/// <see cref="PartitionedRateLimiter"/> itself once their bucket is full again, so memory follows active callers.
/// </summary>
public sealed class RequestRateLimits : IDisposable
{
    private const int MaxPartitionKeyLength = 64;

    private readonly RateLimitOptions _options;
    private readonly PartitionedRateLimiter<string> _clinics;
    private readonly PartitionedRateLimiter<string> _anonymous;

    public RequestRateLimits(IOptions<RateLimitOptions> options)
    {
        _options = options.Value;
        _clinics = Create(_options.Clinic);
        _anonymous = Create(_options.Anonymous);
    }

    /// <summary>Null when the clinic may go on; else the 429 to answer.</summary>
    public IResult? Clinic(string clinicId) =>
        Acquire(_clinics, clinicId, "This clinic is making calls faster than its limit; try again after the time in Retry-After.");

    /// <summary>Null when the caller may go on; else the 429 to answer. For endpoints anyone may call.</summary>
    public IResult? Anonymous(HttpRequest request) =>
        Acquire(_anonymous, ClientAddress(request), "Too many calls from this address; try again after the time in Retry-After.");

    /// <summary>The partition of an anonymous caller: an address, never more than a short string.</summary>
    public string ClientAddress(HttpRequest request)
    {
        var header = _options.ClientAddressHeader;
        if (!string.IsNullOrEmpty(header) && request.Headers[header].ToString() is { Length: > 0 } forwarded)
        {
            var last = forwarded[(forwarded.LastIndexOf(',') + 1)..].Trim();
            if (IPEndPoint.TryParse(last, out var endpoint)) return endpoint.Address.ToString();
            return last.Length > MaxPartitionKeyLength ? last[..MaxPartitionKeyLength] : last;
        }
        return request.HttpContext.Connection.RemoteIpAddress?.ToString() ?? "unknown";
    }

    private IResult? Acquire(PartitionedRateLimiter<string> limiter, string partition, string detail)
    {
        if (!_options.Enabled) return null;
        using var lease = limiter.AttemptAcquire(partition);
        if (lease.IsAcquired) return null;
        var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) && wait > TimeSpan.Zero ? wait : TimeSpan.FromSeconds(1);
        return new TooManyRequests(retryAfter, detail);
    }

    private static PartitionedRateLimiter<string> Create(RateLimitBucket bucket)
    {
        // Whole calls per period: a period of one second from 1 call a second up, else one call per 1/N seconds.
        var (tokens, period) = bucket.PermitsPerSecond >= 1
            ? ((int)Math.Round(bucket.PermitsPerSecond), TimeSpan.FromSeconds(1))
            : (1, TimeSpan.FromSeconds(1 / bucket.PermitsPerSecond));
        var options = new TokenBucketRateLimiterOptions
        {
            TokenLimit = bucket.Burst,
            TokensPerPeriod = tokens,
            ReplenishmentPeriod = period,
            QueueLimit = 0,
            // The partitioned limiter refills its partitions itself, on one timer for all.
            AutoReplenishment = false,
        };
        return PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetTokenBucketLimiter(key, _ => options), StringComparer.Ordinal);
    }

    public void Dispose()
    {
        _clinics.Dispose();
        _anonymous.Dispose();
    }

    /// <summary>429 with RFC 9457 problem details, <c>Retry-After</c> in whole seconds and <c>retry-after-ms</c>.</summary>
    public sealed class TooManyRequests(TimeSpan retryAfter, string detail) : IResult
    {
        public TimeSpan RetryAfter => retryAfter;

        public Task ExecuteAsync(HttpContext context)
        {
            var milliseconds = Math.Max(1, (long)Math.Ceiling(retryAfter.TotalMilliseconds));
            context.Response.Headers.RetryAfter = Math.Max(1, (long)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            context.Response.Headers["retry-after-ms"] = milliseconds.ToString(CultureInfo.InvariantCulture);
            return Problems.TooManyRequests(detail).ExecuteAsync(context);
        }
    }
}
