using Reminders.Bookings;
using Reminders.Clinics;
using Reminders.Email;
using Reminders.Health;
using Reminders.Http;
using Reminders.Patients;
using Reminders.Plan;
using Reminders.Server.ApiDescription;
using Reminders.Sessions;
using Reminders.Sweep;
using Reminders.Treatments;
using Reminders.CheckIn;
using Reminders.Dashboard;
using Reminders.Stats;
using Reminders.Unsubscribe;
using Reminders.Webhooks;

namespace Reminders.Server;

/// <summary>
/// The route table: the same routes, methods and handlers as the Functions app's triggers. Each route's description
/// (bodies, status codes, keys) is in <see cref="RemindersApiDescription"/>; the document is <c>docs/openapi.json</c>.
/// </summary>
public static class RemindersRoutes
{
    public static void MapRemindersApi(this IEndpointRouteBuilder app)
    {
        // The clinic dashboard, at the same path as on the Functions app: static files, not API (left out of the
        // document); it calls the API like any client. The Server's root leads there.
        app.MapGet("/", () => TypedResults.Redirect("/api/dashboard/")).ExcludeFromDescription();
        var api = app.MapGroup("/api");
        api.MapGet("/dashboard/{file?}", DashboardApi.GetAsset).ExcludeFromDescription();
        api.MapGet("/clinic", ClinicsApi.GetOwnClinic).DescribeGetOwnClinic();
        api.MapPut("/clinics/{clinicId}", ClinicsApi.PutClinic).DescribePutClinic();
        api.MapPost("/clinics/{clinicId}/keys", ClinicKeysApi.IssueKey).DescribeIssueClinicKey();
        api.MapGet("/clinics/{clinicId}/keys", ClinicKeysApi.ListKeys).DescribeListClinicKeys();
        api.MapDelete("/clinics/{clinicId}/keys/{keyId}", ClinicKeysApi.RevokeKey).DescribeRevokeClinicKey();
        api.MapPost("/clinics/{clinicId}/sign-in-links", StaffSignInApi.IssueSignInLink).DescribeIssueSignInLink();
        api.MapDelete("/clinics/{clinicId}/staff-sessions", StaffSignInApi.RevokeSessions).DescribeRevokeStaffSessions();
        api.MapPost("/staff-sessions", StaffSignInApi.StartSession).DescribeStartStaffSession();
        api.MapPost("/clinics/{clinicId}/plan-preview", PlanPreviewApi.PreviewPlan).DescribePreviewPlan();
        api.MapPut("/clinics/{clinicId}/treatments/{treatmentId}", TreatmentsApi.PutTreatment).DescribePutTreatment();
        api.MapGet("/clinics/{clinicId}/treatments/{treatmentId}", TreatmentsApi.GetTreatment).DescribeGetTreatment();
        api.MapGet("/clinics/{clinicId}/treatments", TreatmentsApi.ListTreatments).DescribeListTreatments();
        api.MapPost("/sessions", SessionsApi.RegisterSession).DescribeRegisterSession();
        api.MapPost("/sessions/batch", RegisterSessionsApi.RegisterSessions).DescribeRegisterSessions();
        api.MapGet("/patients/{patientId}", PatientsApi.GetPatient).DescribeGetPatient();
        api.MapDelete("/patients/{patientId}/sessions/{sessionId}", PatientsApi.CancelSession).DescribeCancelSession();
        api.MapDelete("/patients/{patientId}", PatientsApi.ErasePatient).DescribeErasePatient();
        api.MapDelete("/patients/{patientId}/bounce", PatientsApi.LiftBounce).DescribeLiftBounce();
        api.MapPut("/patients/{patientId}/bookings/{bookingId}", BookingsApi.PutBooking).DescribePutBooking();
        api.MapDelete("/patients/{patientId}/bookings/{bookingId}", BookingsApi.CancelBooking).DescribeCancelBooking();
        api.MapGet("/reminders", SendPlanApi.GetSendPlan).DescribeGetSendPlan();
        api.MapGet("/stats", StatsApi.GetStats).DescribeGetStats();
        api.MapPost("/sweeps", SweepsApi.RunSweep).DescribeRunSweep();
        api.MapGet("/health", HealthApi.GetHealth).DescribeHealth();
        api.MapGet("/health/live", HealthApi.GetLive).DescribeHealthLive();
        api.MapGet("/health/ready", HealthApi.GetReady).DescribeHealthReady();
        api.MapGet("/email-preview", EmailPreviewApi.GetEmailPreview).DescribeGetEmailPreview();
        api.MapPost("/clinics/{clinicId}/preview-link", EmailPreviewApi.CreatePreviewLink).DescribeCreatePreviewLink();
        api.MapMethods("/unsubscribe", [HttpMethods.Get, HttpMethods.Head], UnsubscribeApi.ShowUnsubscribe).DescribeShowUnsubscribe();
        api.MapPost("/unsubscribe", UnsubscribeApi.Unsubscribe).DescribeUnsubscribe();
        api.MapMethods("/check-in", [HttpMethods.Get, HttpMethods.Head], CheckInApi.ShowCheckIn).DescribeShowCheckIn();
        api.MapPost("/check-in", CheckInApi.CheckIn).DescribeCheckIn();
        api.MapPost("/events/email", DeliveryReportsApi.ReceiveEmailEvents).DescribeReceiveEmailEvents();
        api.MapMethods("/events/email", [HttpMethods.Options], DeliveryReportsApi.ValidateEmailEvents).DescribeValidateEmailEvents();
        api.MapGet("/webhooks", WebhooksApi.GetWebhook).DescribeGetWebhook();
        api.MapPut("/webhooks", WebhooksApi.PutWebhook).DescribePutWebhook();
        api.MapDelete("/webhooks", WebhooksApi.DeleteWebhook).DescribeDeleteWebhook();
        api.MapPost("/webhooks/secret", WebhooksApi.RotateWebhookSecret).DescribeRotateWebhookSecret();
        api.MapGet("/webhooks/deliveries", WebhooksApi.ListWebhookDeliveries).DescribeListWebhookDeliveries();
        api.MapPost("/webhooks/deliveries/{eventId}/replay", WebhooksApi.ReplayWebhookDelivery).DescribeReplayWebhookDelivery();
        api.MapOpenApi(OpenApiSetup.DocumentRoute).RequireAnonymousRateLimit();
    }
}
