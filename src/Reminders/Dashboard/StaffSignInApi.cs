using System.Globalization;
using Microsoft.AspNetCore.Http;
using Reminders.Http;

namespace Reminders.Dashboard;

/// <summary>Sign-in links for clinic staff (admin issues, anyone holding one redeems once) and their revocation.</summary>
public static class StaffSignInApi
{
    public sealed record SignInLinkView(string Url, DateTimeOffset ExpiresAt);

    /// <param name="SignInLink">The token after <c>#sign-in=</c> in a sign-in link.</param>
    public sealed record StartSessionRequest(string? SignInLink);

    /// <summary>
    /// <c>POST /api/clinics/{clinicId}/sign-in-links[?minutes=]</c> (admin, or the clinic's integration key: a practice
    /// system can offer its staff a "reminders dashboard" button): a link that signs one browser tab in to the clinic's
    /// dashboard with staff scope; it works once, for <c>minutes</c> (default 15, at most 1440).
    /// </summary>
    public static async Task<IResult> IssueSignInLink(HttpRequest request, string clinicId, ApiAuthentication auth, StaffSignIns signIns, CancellationToken ct)
    {
        var v = new Validation();
        v.RequireId("clinicId", clinicId);
        var lifetime = StaffSignIns.DefaultLinkLifetime;
        var minutes = request.Query["minutes"];
        if (minutes.Count > 0)
        {
            if (minutes.Count == 1 && int.TryParse(minutes[0], NumberStyles.None, CultureInfo.InvariantCulture, out var m) && m >= 1 && m <= StaffSignIns.MaxLinkLifetime.TotalMinutes)
                lifetime = TimeSpan.FromMinutes(m);
            else v.Add("minutes", $"minutes must be a whole number from 1 to {StaffSignIns.MaxLinkLifetime.TotalMinutes:0}.");
        }
        if (!v.IsValid) return v.ToResult();
        // Staff do not mint staff sessions.
        if ((await auth.AdminOrClinicAsync(request, clinicId, ct)).Refusal is { } refused) return refused;

        var link = await signIns.IssueLinkAsync(clinicId, lifetime, ct);
        return link is null ? ApiAuthentication.NoClinic(clinicId) : TypedResults.Ok(new SignInLinkView(link.Url, link.ExpiresAt));
    }

    /// <summary>
    /// <c>POST /api/staff-sessions</c> (anyone holding a sign-in link): 201 with a staff session key, once per link;
    /// 401 saying why for a link that is not one, has expired, was used or was revoked.
    /// </summary>
    public static async Task<IResult> StartSession(HttpRequest request, StaffSignIns signIns, RequestRateLimits limits, CancellationToken ct)
    {
        if (limits.Anonymous(request) is { } refused) return refused;
        var body = await JsonBody.ReadAsync<StartSessionRequest>(request, ct);
        if (body.Error is not null) return body.Error;
        if (string.IsNullOrEmpty(body.Value!.SignInLink) || body.Value.SignInLink.Length > 1024)
            return Problems.Invalid("signInLink", "signInLink is required: the token after #sign-in= in the link.");

        var (session, refusal) = await signIns.RedeemAsync(body.Value.SignInLink, ct);
        return refusal switch
        {
            StaffSignIns.Refusal.None => TypedResults.Created((string?)null, session),
            StaffSignIns.Refusal.Expired => Problems.Unauthorized("This sign-in link has expired; ask your administrator for a new one."),
            StaffSignIns.Refusal.Used => Problems.Unauthorized("This sign-in link was already used (each works once); ask your administrator for a new one."),
            StaffSignIns.Refusal.Revoked => Problems.Unauthorized("This sign-in link was revoked; ask your administrator for a new one."),
            _ => Problems.Unauthorized("This is not a sign-in link of this service."),
        };
    }

    /// <summary>
    /// <c>DELETE /api/clinics/{clinicId}/staff-sessions</c> (admin, or the clinic's integration key): 204; every
    /// sign-in link and staff session of the clinic issued until now stops working.
    /// </summary>
    public static async Task<IResult> RevokeSessions(HttpRequest request, string clinicId, ApiAuthentication auth, StaffSignIns signIns, CancellationToken ct)
    {
        var v = new Validation();
        v.RequireId("clinicId", clinicId);
        if (!v.IsValid) return v.ToResult();
        // Staff do not end staff sessions.
        if ((await auth.AdminOrClinicAsync(request, clinicId, ct)).Refusal is { } refused) return refused;
        return await signIns.RevokeAsync(clinicId, ct) ? TypedResults.NoContent() : ApiAuthentication.NoClinic(clinicId);
    }
}
