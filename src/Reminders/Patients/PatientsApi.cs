using Microsoft.AspNetCore.Http;
using Reminders.Http;

namespace Reminders.Patients;

public static class PatientsApi
{
    /// <summary><c>GET /api/patients/{patientId}</c> (clinic). Another clinic's patient is a 404, like one that does not exist.</summary>
    public static async Task<IResult> GetPatient(HttpRequest request, string patientId, ApiAuthentication auth, PatientAdministration patients, CancellationToken ct)
    {
        var caller = await auth.ClinicAsync(request, ct, staffMay: true);
        if (caller.Clinic is not { } clinic) return caller.Refused;
        if (!Validation.IsValidId(patientId)) return InvalidId("patientId");

        var patient = await patients.FindAsync(clinic.Id, patientId, ct);
        return patient is null ? PatientNotFound() : TypedResults.Ok(patient);
    }

    /// <summary><c>DELETE /api/patients/{patientId}/sessions/{sessionId}</c> (clinic): cancel a session entered in error.</summary>
    public static async Task<IResult> CancelSession(HttpRequest request, string patientId, string sessionId, ApiAuthentication auth, PatientAdministration patients, CancellationToken ct)
    {
        var caller = await auth.ClinicAsync(request, ct, staffMay: true);
        if (caller.Clinic is not { } clinic) return caller.Refused;
        if (!Validation.IsValidId(patientId)) return InvalidId("patientId");
        if (!Validation.IsValidId(sessionId)) return InvalidId("sessionId");

        try
        {
            return await patients.CancelSessionAsync(clinic.Id, patientId, sessionId, ct)
                ? TypedResults.NoContent()
                : Problems.NotFound("No such session for this patient.");
        }
        catch (Sessions.ConcurrencyException e)
        {
            return Problems.Conflict(e.Message);
        }
    }

    /// <summary><c>DELETE /api/patients/{patientId}</c> (clinic): erase every row about the patient.</summary>
    public static async Task<IResult> ErasePatient(HttpRequest request, string patientId, ApiAuthentication auth, PatientAdministration patients, CancellationToken ct)
    {
        var caller = await auth.ClinicAsync(request, ct);
        if (caller.Clinic is not { } clinic) return caller.Refused;
        if (!Validation.IsValidId(patientId)) return InvalidId("patientId");

        return await patients.EraseAsync(clinic.Id, patientId, ct) ? TypedResults.NoContent() : PatientNotFound();
    }

    /// <summary>
    /// <c>DELETE /api/patients/{patientId}/bounce</c> (clinic): lift a bounce or provider suppression on the patient's
    /// current address, once the clinic has checked it. Idempotent: 204 whether or not there was one.
    /// </summary>
    public static async Task<IResult> LiftBounce(HttpRequest request, string patientId, ApiAuthentication auth, PatientAdministration patients, CancellationToken ct)
    {
        var caller = await auth.ClinicAsync(request, ct);
        if (caller.Clinic is not { } clinic) return caller.Refused;
        if (!Validation.IsValidId(patientId)) return InvalidId("patientId");

        return await patients.LiftBounceAsync(clinic.Id, patientId, ct) is null ? PatientNotFound() : TypedResults.NoContent();
    }

    private static IResult InvalidId(string field) =>
        Problems.Invalid(field, $"{field} must be 1-64 characters of A-Z, a-z, 0-9, '.', '_' or '-', and not '.' or '..'.");

    private static IResult PatientNotFound() => Problems.NotFound("No such patient.");
}
