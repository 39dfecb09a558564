using Reminders.Clinics;
using Reminders.Email;
using Reminders.Health;
using Reminders.Patients;
using Reminders.Plan;
using Reminders.Sessions;
using Reminders.Sweep;
using Reminders.Unsubscribe;

namespace Reminders.Server;

/// <summary>The route table: the same routes, methods and handlers as the Functions app's triggers.</summary>
public static class RemindersRoutes
{
    public static void MapRemindersApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api");
        api.MapPut("/clinics/{clinicId}", ClinicsApi.PutClinic);
        api.MapPost("/clinics/{clinicId}/keys", ClinicKeysApi.IssueKey);
        api.MapGet("/clinics/{clinicId}/keys", ClinicKeysApi.ListKeys);
        api.MapDelete("/clinics/{clinicId}/keys/{keyId}", ClinicKeysApi.RevokeKey);
        api.MapPost("/sessions", SessionsApi.RegisterSession);
        api.MapPost("/sessions/batch", RegisterSessionsApi.RegisterSessions);
        api.MapGet("/patients/{patientId}", PatientsApi.GetPatient);
        api.MapDelete("/patients/{patientId}/sessions/{sessionId}", PatientsApi.CancelSession);
        api.MapDelete("/patients/{patientId}", PatientsApi.ErasePatient);
        api.MapGet("/reminders", SendPlanApi.GetSendPlan);
        api.MapPost("/sweeps", SweepsApi.RunSweep);
        api.MapGet("/health", HealthApi.GetHealth);
        api.MapGet("/email-preview", EmailPreviewApi.GetEmailPreview);
        api.MapPost("/clinics/{clinicId}/preview-link", EmailPreviewApi.CreatePreviewLink);
        api.MapMethods("/unsubscribe", [HttpMethods.Get, HttpMethods.Head], UnsubscribeApi.ShowUnsubscribe);
        api.MapPost("/unsubscribe", UnsubscribeApi.Unsubscribe);
    }
}
