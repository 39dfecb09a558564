using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Reminders.Clinics;
using Reminders.Configuration;
using Reminders.Dashboard;

namespace Reminders.Http;

/// <summary>
/// Who is calling: the admin (<c>X-Admin-Key</c>) or a clinic (<c>X-Api-Key</c>, which alone decides whose data a call
/// sees: an integration key, a staff key, or a staff session from a sign-in link).
/// </summary>
public sealed class ApiAuthentication(ClinicDirectory clinics, StaffSignIns signIns, IOptions<RemindersOptions> options, RequestRateLimits limits)
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
    /// The calling clinic, counted against its rate limit (<see cref="RequestRateLimits.Clinic"/>; staff keys and
    /// sessions against a second bucket of the same size); or, with no clinic, the answer: 401 for a missing or unknown
    /// key, 403 for a staff credential where <paramref name="staffMay"/> is false (the default: a call must say it is
    /// one staff may make), 429 past the limit.
    /// </summary>
    public async Task<ClinicCall> ClinicAsync(HttpRequest request, CancellationToken ct, bool staffMay = false)
    {
        var presented = request.Headers[ClinicKeyHeader].ToString();
        if (string.IsNullOrEmpty(presented) || presented.Length > 300) return new(null, null);
        // A staff session (from a sign-in link) is staff scope, like a staff key.
        var session = StaffSignIns.IsSessionKey(presented);
        var clinic = session ? await signIns.AuthenticateAsync(presented, ct) : await clinics.FindByApiKeyAsync(presented, ct);
        if (clinic is null) return new(null, null);
        var staff = session || ApiKey.IsStaff(presented);
        if (staff && !staffMay) return new(null, StaffMayNot());
        // Staff credentials draw on a bucket of their own: a leaked sign-in link must not starve the clinic's integration.
        return limits.Clinic(staff ? clinic.Id + "|staff" : clinic.Id) is { } refused ? new(null, refused) : new(clinic, null);
    }

    /// <summary>
    /// The clinic <paramref name="clinicId"/> when the admin, or that clinic itself, is calling; else the answer: 401
    /// without either key, 403 for a staff credential where <paramref name="staffMay"/> is false, 429 past the limit,
    /// and 404 when there is no such clinic, which is also what another clinic's key gets (as if it did not exist).
    /// </summary>
    public async Task<ClinicCall> AdminOrClinicAsync(HttpRequest request, string clinicId, CancellationToken ct, bool staffMay = false)
    {
        if (IsAdmin(request))
            return await clinics.FindAsync(clinicId, ct) is { } found ? new(found, null) : new(null, NoClinic(clinicId));
        var caller = await ClinicAsync(request, ct, staffMay);
        if (caller.Clinic is null)
            return new(null, caller.RefusedOr(Problems.Unauthorized($"This call needs a valid {AdminKeyHeader} or {ClinicKeyHeader} header.")));
        return caller.Clinic.Id == clinicId ? caller : new(null, NoClinic(clinicId));
    }

    public static IResult NoClinic(string clinicId) => Problems.NotFound($"There is no clinic '{clinicId}'.");

    public static IResult StaffMayNot() => Problems.Forbidden(
        "This is a staff key: it may read the send plan, outcomes, patients, statistics, treatments and the email preview, and cancel " +
        "a session; it may not register sessions, erase patients or change anything else. Use the clinic's integration key.");

    /// <summary>A clinic, or why there is none (<see cref="Refusal"/>: 429 past the limit; null: the key is missing or unknown).</summary>
    public sealed record ClinicCall(Clinic? Clinic, IResult? Refusal)
    {
        public IResult Refused => Refusal ?? ClinicKeyRequired();
        public IResult RefusedOr(IResult unauthorized) => Refusal ?? unauthorized;
    }

    public static IResult AdminRequired() => Problems.Unauthorized($"This call needs a valid {AdminKeyHeader} header.");
    public static IResult ClinicKeyRequired() => Problems.Unauthorized($"This call needs a valid {ClinicKeyHeader} header.");
}
