using Microsoft.AspNetCore.Http;
using Reminders.Http;

namespace Reminders.Sessions;

public static class SessionsApi
{
    /// <summary><c>POST /api/sessions</c> (clinic): register or replace a session; 201 when new, 200 when it existed.</summary>
    public static async Task<IResult> RegisterSession(HttpRequest request, ApiAuthentication auth, SessionRegistration registration, TimeProvider time, CancellationToken ct)
    {
        var caller = await auth.ClinicAsync(request, ct);
        if (caller.Clinic is not { } clinic) return caller.Refused;

        var body = await JsonBody.ReadAsync<RegisterSessionRequest>(request, ct);
        if (body.Error is not null) return body.Error;

        var validation = new Validation();
        var session = body.Value!.Validate(clinic, clinic.Today(time), validation);
        if (session is null) return validation.ToResult();

        try
        {
            var outcome = await registration.RegisterAsync(clinic, session, ct);
            return outcome.Created
                ? TypedResults.Created($"/api/patients/{session.PatientId}", outcome.Session)
                : TypedResults.Ok(outcome.Session);
        }
        catch (ConcurrencyException e)
        {
            return Problems.Conflict(e.Message);
        }
        catch (SessionLimitException e)
        {
            return Problems.Unprocessable("sessionId", e.Message);
        }
        catch (SessionInputException e)
        {
            return Problems.Invalid(e.Field, e.Message);
        }
    }
}
