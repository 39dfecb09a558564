using Microsoft.AspNetCore.Http;
using Reminders.Http;

namespace Reminders.Clinics;

public static class ClinicsApi
{
    /// <summary><c>PUT /api/clinics/{clinicId}</c> (admin): 201 with the API key when created, 200 when updated.</summary>
    public static async Task<IResult> PutClinic(HttpRequest request, string clinicId, ApiAuthentication auth, ClinicDirectory clinics, CancellationToken ct)
    {
        if (!auth.IsAdmin(request)) return ApiAuthentication.AdminRequired();

        var body = await JsonBody.ReadAsync<ClinicSettingsRequest>(request, ct);
        if (body.Error is not null) return body.Error;

        var validation = new Validation();
        var clinic = body.Value!.Validate(clinicId, validation);
        if (clinic is null) return validation.ToResult();

        var apiKey = await clinics.SaveAsync(clinic, ct);
        return apiKey is null
            ? TypedResults.Ok(ClinicView.Of(clinic))
            : TypedResults.Created($"/api/clinics/{clinicId}", ClinicView.Of(clinic, apiKey));
    }
}
