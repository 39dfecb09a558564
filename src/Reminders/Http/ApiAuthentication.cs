using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Reminders.Clinics;
using Reminders.Configuration;

namespace Reminders.Http;

/// <summary>Who is calling: the admin (<c>X-Admin-Key</c>) or a clinic (<c>X-Api-Key</c>, which alone decides whose data a call sees).</summary>
public sealed class ApiAuthentication(ClinicDirectory clinics, IOptions<RemindersOptions> options, RequestRateLimits limits)
{
    public const string AdminKeyHeader = "X-Admin-Key";
    public const string ClinicKeyHeader = "X-Api-Key";

    /// <summary>The rate limits, for a handler that also serves anonymous callers.</summary>
    public RequestRateLimits Limits => limits;

    public bool IsAdmin(HttpRequest request)
    {
        var expected = options.Value.AdminKey;
        var presented = request.Headers[AdminKeyHeader].ToString();
        if (string.IsNullOrEmpty(expected) || string.IsNullOrEmpty(presented)) return false;
        // Compare fixed-length hashes in constant time, so neither content nor length leaks through timing.
        return CryptographicOperations.FixedTimeEquals(
            SHA256.HashData(Encoding.UTF8.GetBytes(expected)), SHA256.HashData(Encoding.UTF8.GetBytes(presented)));
    }

    /// <summary>
    /// The calling clinic, counted against its rate limit (<see cref="RequestRateLimits.Clinic"/>); or, with no clinic,
    /// the answer: 401 for a missing or unknown key, 429 past the clinic's limit.
    /// </summary>
    public async Task<ClinicCall> ClinicAsync(HttpRequest request, CancellationToken ct)
    {
        var presented = request.Headers[ClinicKeyHeader].ToString();
        if (string.IsNullOrEmpty(presented) || presented.Length > 200) return new(null, null);
        var clinic = await clinics.FindByApiKeyAsync(presented, ct);
        if (clinic is null) return new(null, null);
        return limits.Clinic(clinic.Id) is { } refused ? new(null, refused) : new(clinic, null);
    }

    /// <summary>A clinic, or why there is none (<see cref="Refusal"/>: 429 past the limit; null: the key is missing or unknown).</summary>
    public sealed record ClinicCall(Clinic? Clinic, IResult? Refusal)
    {
        public IResult Refused => Refusal ?? ClinicKeyRequired();
        public IResult RefusedOr(IResult unauthorized) => Refusal ?? unauthorized;
    }

    public static IResult AdminRequired() => Problems.Unauthorized($"This call needs a valid {AdminKeyHeader} header.");
    public static IResult ClinicKeyRequired() => Problems.Unauthorized($"This call needs a valid {ClinicKeyHeader} header.");
}
