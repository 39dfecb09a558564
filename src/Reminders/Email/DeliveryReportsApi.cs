using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Reminders.Configuration;
using Reminders.Http;

namespace Reminders.Email;

/// <summary>
/// <c>/api/events/email</c>: Event Grid delivers ACS email delivery reports here. Anonymous to the app's key scheme,
/// but the subscription URL carries a secret (<c>?secret=</c>, <c>Reminders:EventGridSecret</c>), checked in constant
/// time and never logged; on Azure the Functions key (<c>&amp;code=</c>) is required as well.
/// </summary>
public static class DeliveryReportsApi
{
    /// <summary>Event Grid batches are at most 1 MB.</summary>
    public const int MaxBytes = 1024 * 1024;

    /// <summary>
    /// <c>POST /api/events/email?secret=</c>: the Event Grid subscription validation handshake (200
    /// <c>{"validationResponse": code}</c>) or delivery reports, Event Grid schema (array) or CloudEvents 1.0 (single
    /// or batch). Every event is checked before any is applied: a malformed one is a 400 and nothing changes.
    /// </summary>
    public static async Task<IResult> ReceiveEmailEvents(HttpRequest request, DeliveryReports reports, IOptions<RemindersOptions> options, RequestRateLimits limits, CancellationToken ct)
    {
        if (!SecretMatches(request, options.Value.EventGridSecret)) return Refuse(request, limits);

        var raw = await JsonBody.ReadBytesAsync(request, MaxBytes, ct);
        if (raw.Error is not null) return raw.Error;
        var (parsed, error) = DeliveryReports.Parse(BinaryData.FromBytes(raw.Value!), request.ContentType);
        if (parsed is null) return Problems.Invalid("body", error!);
        if (parsed.ValidationCode is not null) return TypedResults.Ok(new ValidationAnswer(parsed.ValidationCode));
        return TypedResults.Ok(await reports.ApplyAsync(parsed, ct));
    }

    /// <summary>
    /// <c>OPTIONS /api/events/email?secret=</c>: the CloudEvents webhook abuse-protection handshake. Answers
    /// <c>WebHook-Allowed-Origin</c> with the <c>WebHook-Request-Origin</c> asked for, and <c>WebHook-Allowed-Rate: *</c>.
    /// </summary>
    public static IResult ValidateEmailEvents(HttpRequest request, IOptions<RemindersOptions> options, RequestRateLimits limits)
    {
        if (!SecretMatches(request, options.Value.EventGridSecret)) return Refuse(request, limits);
        var origin = request.Headers["WebHook-Request-Origin"];
        if (origin.Count != 1 || string.IsNullOrWhiteSpace(origin[0]) || origin[0]!.Length > 255 || origin[0]!.Any(char.IsControl))
            return Problems.Invalid("WebHook-Request-Origin", "The WebHook-Request-Origin header is required once, with the sender's host name.");
        request.HttpContext.Response.Headers["WebHook-Allowed-Origin"] = origin[0];
        request.HttpContext.Response.Headers["WebHook-Allowed-Rate"] = "*";
        return TypedResults.Ok();
    }

    /// <summary>The answer to Event Grid's subscription validation event.</summary>
    public sealed record ValidationAnswer(string ValidationResponse);

    private static bool SecretMatches(HttpRequest request, string expected)
    {
        var given = request.Query["secret"];
        if (string.IsNullOrEmpty(expected) || given.Count != 1 || string.IsNullOrEmpty(given[0])) return false;
        // Hashes first, so the comparison takes as long whatever the lengths.
        return CryptographicOperations.FixedTimeEquals(
            SHA256.HashData(Encoding.UTF8.GetBytes(given[0]!)), SHA256.HashData(Encoding.UTF8.GetBytes(expected)));
    }

    /// <summary>
    /// Only calls without the secret count against the caller's address: Event Grid delivers in bursts from few
    /// addresses and retries a 429 for hours, so limiting it would only delay reports; guessing the secret is what the
    /// limit must slow down.
    /// </summary>
    private static IResult Refuse(HttpRequest request, RequestRateLimits limits) => limits.Anonymous(request) ?? SecretRequired();

    private static IResult SecretRequired() =>
        Problems.Unauthorized("The secret in the event subscription's URL (?secret=) is missing or wrong.");
}
