using Microsoft.AspNetCore.Http;
using Reminders.Http;

namespace Reminders.Clinics;

/// <summary>The admin's calls on a clinic's API keys.</summary>
public static class ClinicKeysApi
{
    public sealed record KeyList(IReadOnlyList<ClinicKeys.KeyView> Keys);

    /// <summary><c>POST /api/clinics/{clinicId}/keys</c> (admin): 201 with a new key, shown this once; the others keep working.</summary>
    public static async Task<IResult> IssueKey(HttpRequest request, string clinicId, ApiAuthentication auth, ClinicKeys keys, CancellationToken ct)
    {
        if (!auth.IsAdmin(request)) return ApiAuthentication.AdminRequired();
        if (InvalidClinicId(clinicId) is { } invalid) return invalid;
        var scope = request.Query["scope"];
        if (scope.Count > 1 || (scope.Count == 1 && scope[0] is not (ApiKey.IntegrationScope or ApiKey.StaffScope)))
            return Problems.Invalid("scope", $"scope must be {ApiKey.IntegrationScope} (every clinic call) or {ApiKey.StaffScope} (read-mostly, for staff).");

        var (key, error) = await keys.IssueAsync(clinicId, ct, staff: scope.Count == 1 && scope[0] == ApiKey.StaffScope);
        return error switch
        {
            ClinicKeys.IssueError.NoClinic => NoClinic(clinicId),
            ClinicKeys.IssueError.TooMany => Problems.Conflict(
                $"The clinic has {ClinicKeys.MaxKeysPerClinic} keys, the most it may have: revoke one first (DELETE /api/clinics/{clinicId}/keys/{{keyId}})."),
            _ => TypedResults.Created($"/api/clinics/{clinicId}/keys/{key!.Id}", key),
        };
    }

    /// <summary><c>GET /api/clinics/{clinicId}/keys</c> (admin): the keys that work, by id and prefix; never a secret.</summary>
    public static async Task<IResult> ListKeys(HttpRequest request, string clinicId, ApiAuthentication auth, ClinicKeys keys, CancellationToken ct)
    {
        if (!auth.IsAdmin(request)) return ApiAuthentication.AdminRequired();
        if (InvalidClinicId(clinicId) is { } invalid) return invalid;

        var list = await keys.ListAsync(clinicId, ct);
        return list is null ? NoClinic(clinicId) : TypedResults.Ok(new KeyList(list));
    }

    /// <summary>
    /// <c>DELETE /api/clinics/{clinicId}/keys/{keyId}</c> (admin): 204; the key stops working (see <see cref="ClinicKeys.RevokeAsync"/>).
    /// An integration key could have issued staff sign-in links: revoking it ends the clinic's staff sessions and
    /// unused links too, so a leaked key leaves nothing behind that outlives it.
    /// </summary>
    public static async Task<IResult> RevokeKey(HttpRequest request, string clinicId, string keyId, ApiAuthentication auth, ClinicKeys keys,
        Dashboard.StaffSignIns signIns, CancellationToken ct)
    {
        if (!auth.IsAdmin(request)) return ApiAuthentication.AdminRequired();
        var v = new Validation();
        v.RequireId("clinicId", clinicId);
        if (keyId != ClinicKeys.LegacyId && !ApiKey.IsValidId(keyId))
            v.Add("keyId", $"keyId must be a key's id ({ApiKey.IdLength} characters, as in its prefix rk_<id>) or '{ClinicKeys.LegacyId}'.");
        if (!v.IsValid) return v.ToResult();

        var staffKey = (await keys.ListAsync(clinicId, ct))?.Any(k => k.Id == keyId && k.Scope == ApiKey.StaffScope) == true;
        if (!await keys.RevokeAsync(clinicId, keyId, ct)) return Problems.NotFound($"Clinic '{clinicId}' has no key '{keyId}'.");
        if (!staffKey) await signIns.RevokeAsync(clinicId, ct);
        return TypedResults.NoContent();
    }

    private static IResult? InvalidClinicId(string clinicId)
    {
        var v = new Validation();
        v.RequireId("clinicId", clinicId);
        return v.IsValid ? null : v.ToResult();
    }

    private static IResult NoClinic(string clinicId) => Problems.NotFound($"There is no clinic '{clinicId}'.");
}
