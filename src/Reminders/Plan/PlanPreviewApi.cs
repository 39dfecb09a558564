using Microsoft.AspNetCore.Http;
using Reminders.Clinics;
using Reminders.Http;

namespace Reminders.Plan;

/// <summary>A settings change, tried before it is made.</summary>
public static class PlanPreviewApi
{
    public const int MaxListed = 500;
    public static readonly TimeSpan TimeBudget = TimeSpan.FromSeconds(20);

    /// <summary>
    /// <c>POST /api/clinics/{clinicId}/plan-preview</c> (admin) with the body a <c>PUT /api/clinics/{clinicId}</c> would
    /// send: which pending reminders those settings would move, from and to which date, and which would newly expire.
    /// Saves nothing. Reads each pending reminder once (at most for 20 seconds: <c>complete</c> says whether all were read).
    /// </summary>
    public static async Task<IResult> PreviewPlan(HttpRequest request, string clinicId, ApiAuthentication auth, ClinicDirectory clinics,
        ReminderReplanner replanner, TimeProvider time, CancellationToken ct)
    {
        if (!auth.IsAdmin(request)) return ApiAuthentication.AdminRequired();
        var body = await JsonBody.ReadAsync<ClinicSettingsRequest>(request, ct);
        if (body.Error is not null) return body.Error;
        var v = new Validation();
        if (body.Value!.Validate(clinicId, v) is not { } proposed) return v.ToResult();
        if (await clinics.FindAsync(clinicId, ct) is null) return Problems.NotFound($"There is no clinic '{clinicId}'.");

        return TypedResults.Ok(await replanner.PreviewAsync(proposed, time.GetUtcNow() + TimeBudget, MaxListed, ct));
    }
}
