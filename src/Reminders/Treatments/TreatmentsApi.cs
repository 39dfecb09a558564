using Microsoft.AspNetCore.Http;
using Reminders.Clinics;
using Reminders.Http;

namespace Reminders.Treatments;

/// <summary>A clinic's treatments: the admin sets them; the admin and the clinic read them.</summary>
public static class TreatmentsApi
{
    public sealed record TreatmentList(IReadOnlyList<Treatment> Treatments);

    /// <summary>
    /// <c>PUT /api/clinics/{clinicId}/treatments/{treatmentId}</c> (admin): 201 when new, 200 when replaced. Applies to
    /// sessions registered from then on; reminders already planned keep their relief.
    /// </summary>
    public static async Task<IResult> PutTreatment(HttpRequest request, string clinicId, string treatmentId, ApiAuthentication auth, ClinicDirectory clinics,
        TreatmentCatalog treatments, CancellationToken ct)
    {
        if (!auth.IsAdmin(request)) return ApiAuthentication.AdminRequired();
        var body = await JsonBody.ReadAsync<TreatmentRequest>(request, ct);
        if (body.Error is not null) return body.Error;
        var v = new Validation();
        v.RequireId("clinicId", clinicId);
        if (!v.IsValid) return v.ToResult();
        if (await clinics.FindAsync(clinicId, ct) is not { } clinic) return ApiAuthentication.NoClinic(clinicId);
        if (body.Value!.Validate(treatmentId, clinic, v) is not { } treatment) return v.ToResult();

        var (saved, created) = await treatments.SaveAsync(clinicId, treatment, ct);
        if (!saved) return Problems.Conflict($"The clinic has {TreatmentCatalog.MaxPerClinic} treatments, the most it may have.");
        return created ? TypedResults.Created($"/api/clinics/{clinicId}/treatments/{treatmentId}", treatment) : TypedResults.Ok(treatment);
    }

    /// <summary><c>GET /api/clinics/{clinicId}/treatments/{treatmentId}</c> (admin, or the clinic itself).</summary>
    public static async Task<IResult> GetTreatment(HttpRequest request, string clinicId, string treatmentId, ApiAuthentication auth, TreatmentCatalog treatments,
        CancellationToken ct)
    {
        var v = new Validation();
        v.RequireId("clinicId", clinicId);
        v.RequireId("treatmentId", treatmentId);
        if (!v.IsValid) return v.ToResult();
        if ((await auth.AdminOrClinicAsync(request, clinicId, ct, staffMay: true)).Refusal is { } refused) return refused;
        return await treatments.FindAsync(clinicId, treatmentId, ct) is { } treatment
            ? TypedResults.Ok(treatment)
            : Problems.NotFound($"The clinic has no treatment '{treatmentId}'.");
    }

    /// <summary><c>GET /api/clinics/{clinicId}/treatments</c> (admin, or the clinic itself).</summary>
    public static async Task<IResult> ListTreatments(HttpRequest request, string clinicId, ApiAuthentication auth, TreatmentCatalog treatments,
        CancellationToken ct)
    {
        var v = new Validation();
        v.RequireId("clinicId", clinicId);
        if (!v.IsValid) return v.ToResult();
        if ((await auth.AdminOrClinicAsync(request, clinicId, ct, staffMay: true)).Refusal is { } refused) return refused;
        return TypedResults.Ok(new TreatmentList(await treatments.ListAsync(clinicId, ct)));
    }
}
