using Microsoft.AspNetCore.Mvc;
using Microsoft.OpenApi;
using Reminders.Clinics;
using Reminders.Health;
using Reminders.Http;
using Reminders.Patients;
using Reminders.Plan;
using Reminders.Sessions;
using Reminders.Sweep;
using static Reminders.Server.ApiDescription.DescriptionConventions;

namespace Reminders.Server.ApiDescription;

/// <summary>
/// What each route of <see cref="RemindersRoutes"/> takes and answers, read off its handler. The operation names are
/// the Functions app's function names, so both hosts' logs and the document name a call alike. Every route but the
/// health check may also be refused with 503 when the Server is at capacity (see <see cref="OpenApiSetup"/>).
/// </summary>
public static class RemindersApiDescription
{
    public static RouteHandlerBuilder DescribeGetOwnClinic(this RouteHandlerBuilder route) => route
        .WithName("GetOwnClinic").WithTags("Clinics")
        .WithSummary("The calling clinic's own settings and today's date (clinic or staff key).")
        .WithDescription("No keys are listed. `today` is the clinic's local date: what its reminder dates are compared with.")
        .Responds(200, typeof(ClinicsApi.OwnClinic), "The clinic.", Json)
        .RequiresClinicKey(staffMay: true);

    public static RouteHandlerBuilder DescribePutClinic(this RouteHandlerBuilder route) => route
        .WithName("PutClinic").WithTags("Clinics")
        .WithSummary("Create or update a clinic (admin).")
        .WithDescription("Creates the clinic (201, with its first API key, shown only this once) or replaces its settings (200; every key " +
                         "keeps working and none is shown again: `keys` lists them by id and prefix, `keysHint` says how to get another). " +
                         "A change of reliefDays or remindDaysBefore moves pending reminders and says so in `replanned`. Unknown fields are a 400 naming them.")
        .AcceptsJson<ClinicSettingsRequest>(JsonBody.MaxBytes)
        .Responds(200, typeof(ClinicView), "Updated. No `apiKey`; `keys` and `keysHint`.", Json)
        .Responds(201, typeof(ClinicView), "Created. `apiKey` is the clinic's key, shown only now.", Json)
        .RequiresAdminKey();

    public static RouteHandlerBuilder DescribeIssueClinicKey(this RouteHandlerBuilder route) => route
        .WithName("IssueClinicKey").WithTags("Clinics")
        .WithSummary("Issue another API key for a clinic (admin).")
        .WithDescription("The others keep working. `apiKey` is shown this once; `prefix` (rk_<id>, or rs_<id> for a staff key) names the key in listings. " +
                         "At most 10 keys per clinic. scope=staff issues a read-mostly key for staff (the dashboard): it may read the send plan, outcomes, " +
                         "patients, statistics, treatments and the email preview, and cancel a session; every other clinic call answers it 403.")
        .WithQuery("scope", required: false, "integration (default: every clinic call) or staff (read-mostly).",
            new OpenApiSchema { Type = JsonSchemaType.String, Enum = [ApiKey.IntegrationScope, ApiKey.StaffScope] })
        .Responds(201, typeof(ClinicKeys.IssuedKey), "The new key.", Json)
        .RespondsInvalid("clinicId is not a valid id, or scope is not integration or staff.")
        .Responds(404, typeof(ProblemDetails), "No such clinic.", ProblemJson)
        .Responds(409, typeof(ProblemDetails), "The clinic already has the most keys allowed: revoke one first.", ProblemJson)
        .RequiresAdminKey();

    public static RouteHandlerBuilder DescribeListClinicKeys(this RouteHandlerBuilder route) => route
        .WithName("ListClinicKeys").WithTags("Clinics")
        .WithSummary("A clinic's working API keys, by id and prefix; never a secret (admin).")
        .Responds(200, typeof(ClinicKeysApi.KeyList), "The keys; a key from before key ids is listed with id `legacy`.", Json)
        .RespondsInvalid("clinicId is not a valid id.")
        .Responds(404, typeof(ProblemDetails), "No such clinic.", ProblemJson)
        .RequiresAdminKey();

    public static RouteHandlerBuilder DescribeRevokeClinicKey(this RouteHandlerBuilder route) => route
        .WithName("RevokeClinicKey").WithTags("Clinics")
        .WithSummary("Revoke one of a clinic's API keys (admin).")
        .WithDescription("It stops working at once on the instance that served the call, and on the others within 30 seconds (their key cache). " +
                         "Revoking an integration key also ends the clinic's staff sessions and unused sign-in links (it could have issued them).")
        .Responds(204, null, "Revoked.")
        .RespondsInvalid("clinicId or keyId is not valid (`errors` names it).")
        .Responds(404, typeof(ProblemDetails), "The clinic has no such key.", ProblemJson)
        .RequiresAdminKey();

    public static RouteHandlerBuilder DescribeRegisterSession(this RouteHandlerBuilder route) => route
        .WithName("RegisterSession").WithTags("Sessions")
        .WithSummary("Register or replace a session (clinic).")
        .WithDescription("An upsert by (patient, session); sessionId defaults to the injection date. Re-posting an unchanged session writes nothing.")
        .AcceptsJson<RegisterSessionRequest>(JsonBody.MaxBytes)
        .Responds(200, typeof(SessionView), "The session existed.", Json)
        .Responds(201, typeof(SessionView), "A new session, with its reminder.", Json)
        .Responds(409, typeof(ProblemDetails), "The patient's rows changed during the call; send it again.", ProblemJson)
        .Responds(422, typeof(FieldProblemDetails), "The patient already has the most sessions allowed (`field`: `sessionId`).", ProblemJson)
        .RequiresClinicKey();

    public static RouteHandlerBuilder DescribeRegisterSessions(this RouteHandlerBuilder route) => route
        .WithName("RegisterSessions").WithTags("Sessions")
        .WithSummary("Register up to 500 sessions in one call (clinic).")
        .WithDescription("Each item is a body of RegisterSession. One result per item, in order: its status and the session (200, 201) " +
                         "or a problem (400, 409, 422). A bad item never fails the others.")
        .AcceptsJson<RegisterSessionsRequest>(RegisterSessionsApi.MaxBytes)
        .Responds(200, typeof(RegisterSessionsApi.Response), "Every item's result, in the order sent.", Json)
        .RequiresClinicKey();

    public static RouteHandlerBuilder DescribeGetPatient(this RouteHandlerBuilder route) => route
        .WithName("GetPatient").WithTags("Patients")
        .WithSummary("A patient, their sessions and each reminder's status (clinic).")
        .Responds(200, typeof(PatientView), "The patient.", Json)
        .RespondsInvalid("patientId is not a valid id.")
        .Responds(404, typeof(ProblemDetails), "No such patient in this clinic (another clinic's patient is a 404 too).", ProblemJson)
        .RequiresClinicKey(staffMay: true);

    public static RouteHandlerBuilder DescribeCancelSession(this RouteHandlerBuilder route) => route
        .WithName("CancelSession").WithTags("Patients")
        .WithSummary("Cancel a session entered in error (clinic).")
        .WithDescription("Its reminder is skipped with reason Cancelled. Posting the session again revives it.")
        .Responds(204, null, "Cancelled.")
        .RespondsInvalid("patientId or sessionId is not a valid id.")
        .Responds(404, typeof(ProblemDetails), "No such session for this patient.", ProblemJson)
        .Responds(409, typeof(ProblemDetails), "The patient's rows changed during the call; send it again.", ProblemJson)
        .RequiresClinicKey(staffMay: true);

    public static RouteHandlerBuilder DescribeErasePatient(this RouteHandlerBuilder route) => route
        .WithName("ErasePatient").WithTags("Patients")
        .WithSummary("Erase every row about a patient (clinic).")
        .Responds(204, null, "Erased; a GET is 404 from now on.")
        .RespondsInvalid("patientId is not a valid id.")
        .Responds(404, typeof(ProblemDetails), "No such patient in this clinic.", ProblemJson)
        .RequiresClinicKey();

    public static RouteHandlerBuilder DescribeLiftBounce(this RouteHandlerBuilder route) => route
        .WithName("LiftBounce").WithTags("Patients")
        .WithSummary("Lift a bounce on the patient's current address (clinic).")
        .WithDescription("After a hard bounce or a provider suppression (`bounced: true`), this clinic's reminders to that address are skipped " +
                         "with reason Bounced. Once the address is checked, this sends them again. A new address clears it by itself. Idempotent.")
        .Responds(204, null, "Lifted, or there was nothing to lift.")
        .RespondsInvalid("patientId is not a valid id.")
        .Responds(404, typeof(ProblemDetails), "No such patient in this clinic.", ProblemJson)
        .RequiresClinicKey();

    public static RouteHandlerBuilder DescribeReceiveEmailEvents(this RouteHandlerBuilder route) => route
        .WithName("ReceiveEmailEvents").WithTags("Delivery reports")
        .WithSummary("ACS email delivery reports from Event Grid (the subscription's secret).")
        .WithDescription("Event Grid schema (a JSON array) or CloudEvents 1.0 (application/cloudevents+json, application/cloudevents-batch+json). " +
                         "A Microsoft.EventGrid.SubscriptionValidationEvent is answered with its validationResponse. " +
                         "Microsoft.Communication.EmailDeliveryReportReceived events update their reminder's `delivery` (the latest by event time wins); " +
                         "Bounced or Suppressed stops the clinic's reminders to that address. Reports for unknown messages and other event types are ignored. " +
                         "On Azure the Functions key (`code=`) is required too. Only calls without the right secret count against the per-address rate limit.")
        .WithQuery("secret", required: true, "The secret set in Reminders:EventGridSecret, part of the subscription's URL.", new OpenApiSchema { Type = JsonSchemaType.String })
        .WithRequestBody<System.Text.Json.JsonElement>(Json, required: true)
        .RespondsEither<Email.DeliveryReports.Outcome, Email.DeliveryReportsApi.ValidationAnswer>(200,
            "The events were taken (counts), or a subscription validation event is answered (`validationResponse`).")
        .Responds(400, typeof(HttpValidationProblemDetails), "Malformed JSON or a malformed event (`errors.body`); nothing was applied.", ProblemJson)
        .Responds(401, typeof(ProblemDetails), "The secret is missing or wrong (or none is set).", ProblemJson)
        .Responds(413, typeof(FieldProblemDetails), $"The body is over {Email.DeliveryReportsApi.MaxBytes} bytes (`field`: `body`).", ProblemJson)
        .Responds(415, typeof(FieldProblemDetails), "The body is not JSON (`field`: `Content-Type`).", ProblemJson);

    public static RouteHandlerBuilder DescribeValidateEmailEvents(this RouteHandlerBuilder route) => route
        .WithName("ValidateEmailEvents").WithTags("Delivery reports")
        .WithSummary("The CloudEvents webhook validation handshake (the subscription's secret).")
        .WithDescription("Answers WebHook-Allowed-Origin with the WebHook-Request-Origin asked for, and WebHook-Allowed-Rate: *.")
        .WithQuery("secret", required: true, "The secret set in Reminders:EventGridSecret, part of the subscription's URL.", new OpenApiSchema { Type = JsonSchemaType.String })
        .Responds(200, null, "Allowed: see the WebHook-Allowed-Origin and WebHook-Allowed-Rate headers.")
        .Responds(400, typeof(HttpValidationProblemDetails), "No WebHook-Request-Origin header (`errors.WebHook-Request-Origin`).", ProblemJson)
        .Responds(401, typeof(ProblemDetails), "The secret is missing or wrong (or none is set).", ProblemJson);

    public static RouteHandlerBuilder DescribeGetSendPlan(this RouteHandlerBuilder route) => route
        .WithName("GetSendPlan").WithTags("Send plan")
        .WithSummary("This clinic's reminders due (or decided) in a date range, a page at a time (clinic).")
        .WithDescription($"Whatever their status, in patient order. The range spans at most {SendPlanApi.MaxDays} days. by=decided selects " +
                         "reminders by the day they got their current status (sent, skipped, expired, failed, or planned), in the clinic's time zone: " +
                         "what happened lately, whenever the reminders were dated; a sequence's earlier steps are in each one's earlierSteps. " +
                         "Pass continuationToken back for the next page until it is null; it works only for the same clinic, range and by.")
        .WithQuery("from", required: true, "First day of the range (yyyy-MM-dd).", Date())
        .WithQuery("to", required: true, "Last day of the range (yyyy-MM-dd), inclusive.", Date())
        .WithQuery("by", required: false, "reminderDate (default: the reminder's date) or decided (the day it got its current status).",
            new OpenApiSchema { Type = JsonSchemaType.String, Enum = [SendPlanApi.ByReminderDate, SendPlanApi.ByDecided] })
        .WithQuery("include", required: false, "firstName: each reminder with its patient's first name (one point read per patient on the page: for pages a person reads).",
            new OpenApiSchema { Type = JsonSchemaType.String, Enum = [SendPlanApi.IncludeFirstName] })
        .WithQuery("pageSize", required: false, $"Reminders per page, 1 to {SendPlanApi.MaxPageSize} (default {SendPlanApi.MaxPageSize}).",
            new OpenApiSchema { Type = JsonSchemaType.Integer, Minimum = "1", Maximum = SendPlanApi.MaxPageSize.ToString() })
        .WithQuery("continuationToken", required: false, "The previous page's continuationToken.", new OpenApiSchema { Type = JsonSchemaType.String })
        .Responds(200, typeof(SendPlanApi.Page), "One page.", Json)
        .RespondsInvalid("A date is missing or not a real date, the range is reversed or too long, by, include or pageSize is out of range, or the token is not one given for this clinic, range and by.")
        .RequiresClinicKey(staffMay: true);

    public static RouteHandlerBuilder DescribeRunSweep(this RouteHandlerBuilder route) => route
        .WithName("RunSweep").WithTags("Sweeps")
        .WithSummary("Run a sweep now, planning and sending in this instance (admin).")
        .Responds(200, typeof(SweepResult), "This run's own transitions.", Json)
        .RequiresAdminKey();

    public static RouteHandlerBuilder DescribeHealth(this RouteHandlerBuilder route) => route
        .WithName("Health").WithTags("Health")
        .WithSummary("Readiness, under its original name: the same as /health/ready (anyone).")
        .WithDescription("Never refused for load; limited per client address (each call asks storage, the queue and the provider).")
        .Responds(200, typeof(HealthStatus), "Storage, the dispatch queue and the email provider answered.", Json)
        .Responds(503, typeof(ProblemDetails), "Something this instance needs did not answer within 5 seconds; `notReady` names each check.", ProblemJson);

    public static RouteHandlerBuilder DescribeHealthLive(this RouteHandlerBuilder route) => route
        .WithName("HealthLive").WithTags("Health")
        .WithSummary("Liveness: the process answers; no dependency is asked (anyone).")
        .WithDescription("Never refused for load. Probe this one to decide on restarts.")
        .Responds(200, typeof(HealthStatus), "The process serves requests.", Json);

    public static RouteHandlerBuilder DescribeHealthReady(this RouteHandlerBuilder route) => route
        .WithName("HealthReady").WithTags("Health")
        .WithSummary("Readiness: table storage, the dispatch queue and the email provider (anyone).")
        .WithDescription("Never refused for load; limited per client address (each call asks storage, the queue and the provider), far above a probe's rate. Probe this one to decide on routing traffic.")
        .Responds(200, typeof(HealthStatus), "Storage, the dispatch queue and the email provider answered.", Json)
        .Responds(503, typeof(ProblemDetails), "Something this instance needs did not answer within 5 seconds; `notReady` names each check.", ProblemJson);

    public static RouteHandlerBuilder DescribeGetEmailPreview(this RouteHandlerBuilder route) => route
        .WithName("GetEmailPreview").WithTags("Email")
        .WithSummary("The clinic's reminder email rendered with sample data (clinic key, or a preview link).")
        .WithDescription("With X-Api-Key, or with `link` from CreatePreviewLink so a browser can open it. The sample unsubscribe and check-in links change nothing.")
        .WithQuery("link", required: false, "A preview link's token (15 minutes), instead of the clinic key.", new OpenApiSchema { Type = JsonSchemaType.String })
        .WithQuery("locale", required: false, "Preview another language than the clinic's (en, es, es-MX…).", new OpenApiSchema { Type = JsonSchemaType.String })
        .WithQuery("step", required: false, $"The step of a treatment's sequence, 1 to {Reminders.Plan.ReminderSteps.Max} (default 1; 2 and later: the follow-up wording).",
            new OpenApiSchema { Type = JsonSchemaType.Integer, Minimum = "1", Maximum = Reminders.Plan.ReminderSteps.Max.ToString(System.Globalization.CultureInfo.InvariantCulture) })
        .Responds(200, typeof(string), "The email's HTML.", Html)
        .RespondsInvalid("locale is not a supported language, or step is out of range.")
        .RequiresClinicKey(staffMay: true)
        .AlsoResponds(401, Html, "An expired or altered preview link opened in a browser gets a page saying so.");

    public static RouteHandlerBuilder DescribeCreatePreviewLink(this RouteHandlerBuilder route) => route
        .WithName("CreatePreviewLink").WithTags("Email")
        .WithSummary("A link that opens the clinic's email preview in a browser for 15 minutes (admin, or the clinic).")
        .WithQuery("locale", required: false, "Preview another language than the clinic's (en, es, es-MX…).", new OpenApiSchema { Type = JsonSchemaType.String })
        .Responds(200, typeof(Reminders.Email.EmailPreviewApi.PreviewLinkView), "The link and when it stops working.", Json)
        .RespondsInvalid("clinicId or locale is not valid (`errors` names it).")
        .Responds(404, typeof(ProblemDetails), "No such clinic (a clinic key asking for another clinic gets this too).", ProblemJson)
        .RequiresAdminOrClinicKey(staffMay: true);

    public static RouteHandlerBuilder DescribeShowUnsubscribe(this RouteHandlerBuilder route) => route
        .WithName("ShowUnsubscribe").WithTags("Unsubscribe")
        .WithSummary("The unsubscribe confirmation page (anyone with a valid link).")
        .WithDescription("Changes nothing, because link scanners follow GETs. The signed token is the credential.")
        .WithQuery("token", required: true, "The signed token from the email's link.", new OpenApiSchema { Type = JsonSchemaType.String })
        .Responds(200, typeof(string), "The clinic-branded page.", Html)
        .RespondsBadToken("The token is missing, altered or forged (`errors.token`).");

    public static RouteHandlerBuilder DescribeUnsubscribe(this RouteHandlerBuilder route) => route
        .WithName("Unsubscribe").WithTags("Unsubscribe")
        .WithSummary("Opt out of this clinic's reminders, or back in (anyone with a valid link).")
        .WithDescription("The page's button, or a mail client's RFC 8058 one-click POST. Form field action=resubscribe opts back in. Idempotent.")
        .WithQuery("token", required: true, "The signed token from the email's link.", new OpenApiSchema { Type = JsonSchemaType.String })
        .WithRequestBody<UnsubscribeForm>("application/x-www-form-urlencoded", required: false)
        .Responds(200, typeof(string), "The clinic-branded page saying what is now chosen.", Html)
        .RespondsBadToken("The token is missing, altered or forged (`errors.token`), or the form is malformed (`errors.body`); nothing changed.")
        .Responds(413, typeof(FieldProblemDetails), $"The form is over {JsonBody.MaxBytes} bytes (`field`: `body`).", ProblemJson);

    /// <summary>A bad link: problem details for a program, a page for a browser (UnsubscribeApi looks at Accept).</summary>
    internal static RouteHandlerBuilder RespondsBadToken(this RouteHandlerBuilder route, string description) => route
        .Responds(400, typeof(HttpValidationProblemDetails), description, ProblemJson)
        .AlsoResponds(400, Html, "A browser (Accept: text/html) gets a page saying the link is not valid.");
}
