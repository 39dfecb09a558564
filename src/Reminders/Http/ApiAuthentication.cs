using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Reminders.Clinics;
using Reminders.Configuration;

namespace Reminders.Http;

/// <summary>Who is calling: the admin (<c>X-Admin-Key</c>) or a clinic (<c>X-Api-Key</c>, which alone decides whose data a call sees).</summary>
public sealed class ApiAuthentication(ClinicDirectory clinics, IOptions<RemindersOptions> options)
{
    public const string AdminKeyHeader = "X-Admin-Key";
    public const string ClinicKeyHeader = "X-Api-Key";

    public bool IsAdmin(HttpRequest request)
    {
        var expected = options.Value.AdminKey;
        var presented = request.Headers[AdminKeyHeader].ToString();
        if (string.IsNullOrEmpty(expected) || string.IsNullOrEmpty(presented)) return false;
        // Compare fixed-length hashes in constant time, so neither content nor length leaks through timing.
        return CryptographicOperations.FixedTimeEquals(
            SHA256.HashData(Encoding.UTF8.GetBytes(expected)), SHA256.HashData(Encoding.UTF8.GetBytes(presented)));
    }

    public async Task<Clinic?> ClinicAsync(HttpRequest request, CancellationToken ct)
    {
        var presented = request.Headers[ClinicKeyHeader].ToString();
        if (string.IsNullOrEmpty(presented) || presented.Length > 200) return null;
        return await clinics.FindByApiKeyAsync(presented, ct);
    }

    public static IResult AdminRequired() => Problems.Unauthorized($"This call needs a valid {AdminKeyHeader} header.");
    public static IResult ClinicKeyRequired() => Problems.Unauthorized($"This call needs a valid {ClinicKeyHeader} header.");
}
