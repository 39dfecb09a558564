using Microsoft.AspNetCore.Http;
using Reminders.Http;

namespace Reminders.Clinics;

public static class ClinicsApi
{
    /// <summary>How long a settings change spends moving pending reminders before it answers.</summary>
    public static readonly TimeSpan ReplanTimeBudget = TimeSpan.FromSeconds(20);

    /// <summary>
    /// <c>GET /api/clinic</c> (the clinic's own key, staff keys too): its settings as a clinic sees them (no keys), so
    /// a client such as the dashboard learns the clinic's id, name, language and today.
    /// </summary>
    public static async Task<IResult> GetOwnClinic(HttpRequest request, ApiAuthentication auth, TimeProvider time, CancellationToken ct)
    {
        var caller = await auth.ClinicAsync(request, ct, staffMay: true);
        if (caller.Clinic is not { } clinic) return caller.Refused;
        return TypedResults.Ok(new OwnClinic(ClinicView.Of(clinic), clinic.Today(time)));
    }

    /// <param name="Today">The clinic's local date now: what "today" means for its reminders.</param>
    public sealed record OwnClinic(ClinicView Clinic, DateOnly Today);

    /// <summary>
    /// <c>PUT /api/clinics/{clinicId}</c> (admin): 201 with the first API key when created; 200 when updated, with the
    /// clinic's keys listed (prefixes, no secrets) and unchanged, so running a setup script twice locks nobody out.
    /// </summary>
    public static async Task<IResult> PutClinic(HttpRequest request, string clinicId, ApiAuthentication auth, ClinicDirectory clinics,
        Plan.ReminderReplanner replanner, Treatments.TreatmentCatalog treatments, TimeProvider time, CancellationToken ct)
    {
        if (!auth.IsAdmin(request)) return ApiAuthentication.AdminRequired();

        var body = await JsonBody.ReadAsync<ClinicSettingsRequest>(request, ct);
        if (body.Error is not null) return body.Error;

        var validation = new Validation();
        var clinic = body.Value!.Validate(clinicId, validation);
        if (clinic is null) return validation.ToResult();
        if (clinic.DefaultTreatmentId is { } treatmentId && await treatments.FindAsync(clinicId, treatmentId, ct) is null)
            return Problems.Invalid("defaultTreatmentId", $"This clinic has no treatment '{treatmentId}': PUT /api/clinics/{clinicId}/treatments/{treatmentId} first.");

        var saved = await clinics.SaveAsync(clinic, ct);
        if (saved.NewKey is not null)
            return TypedResults.Created($"/api/clinics/{clinicId}", ClinicView.Of(saved.Clinic, saved.NewKey.ApiKey, keys: saved.Keys));
        // A rule edit reaches reminders already scheduled: pending ones move now, within a bounded time; any left
        // over are re-planned by the sweep before it sends them. Sent reminders are never touched.
        var replanned = saved.PlanChanged
            ? await replanner.ReplanClinicAsync(saved.Clinic, time.GetUtcNow() + ReplanTimeBudget, ct)
            : null;
        return TypedResults.Ok(ClinicView.Of(saved.Clinic, replanned: replanned, keys: saved.Keys, keysHint: KeysHint(clinicId)));
    }

    private static string KeysHint(string clinicId) =>
        $"The clinic existed: its API keys are unchanged and still work, and a key is shown only when issued. " +
        $"For another key: POST /api/clinics/{clinicId}/keys (admin); to retire one: DELETE /api/clinics/{clinicId}/keys/{{keyId}}.";
}
