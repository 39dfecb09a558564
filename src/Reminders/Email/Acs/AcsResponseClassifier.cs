using Azure;
using Azure.Core;

namespace Reminders.Email.Acs;

/// <summary>
/// Tells Azure.Core's retry policy what ACS answers mean for one kind of request. Retried: 408, 429 and 5xx (for a
/// send, with <c>onlyThrottling</c>, 429 alone: after a 408 or 5xx the body was sent and ACS may have taken it), unless
/// the server asks for a longer wait than <c>maxServerDelay</c> (then the caller reports Transient instead of
/// blocking). Exceptions (timeouts, broken connections) are never retried here: after a POST the outcome is unclear,
/// and the reminder's next attempt asks ACS for the operation's status before sending again.
/// </summary>
internal sealed class AcsResponseClassifier(int successStatus, bool retry, TimeSpan maxServerDelay, bool onlyThrottling = false) : ResponseClassifier
{
    public override bool IsErrorResponse(HttpMessage message) => message.Response.Status != successStatus;

    public override bool IsRetriableResponse(HttpMessage message) =>
        retry && (onlyThrottling ? message.Response.Status == 429 : IsTransient(message.Response.Status)) &&
        (ServerDelay(message.Response) ?? TimeSpan.Zero) <= maxServerDelay;

    public override bool IsRetriableException(Exception exception) => false;

    public override bool IsRetriable(HttpMessage message, Exception exception) => false;

    public static bool IsTransient(int status) => status is 408 or 429 or >= 500;

    /// <summary><c>retry-after-ms</c>, <c>x-ms-retry-after-ms</c> or <c>retry-after</c> (seconds or an HTTP date), as Azure.Core reads them.</summary>
    public static TimeSpan? ServerDelay(Response response)
    {
        if ((response.Headers.TryGetValue("retry-after-ms", out var ms) || response.Headers.TryGetValue("x-ms-retry-after-ms", out ms))
            && int.TryParse(ms, out var milliseconds))
            return TimeSpan.FromMilliseconds(Math.Max(0, milliseconds));
        if (response.Headers.TryGetValue("Retry-After", out var value))
        {
            if (int.TryParse(value, out var seconds)) return TimeSpan.FromSeconds(Math.Max(0, seconds));
            if (DateTimeOffset.TryParse(value, out var at))
            {
                var until = at - DateTimeOffset.UtcNow;
                return until > TimeSpan.Zero ? until : TimeSpan.Zero;
            }
        }
        return null;
    }
}
