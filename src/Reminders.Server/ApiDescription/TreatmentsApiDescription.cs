using Microsoft.AspNetCore.Mvc;
using Reminders.Http;
using Reminders.Treatments;
using static Reminders.Server.ApiDescription.DescriptionConventions;

namespace Reminders.Server.ApiDescription;

/// <summary>What the treatment routes take and answer (see <see cref="RemindersApiDescription"/> for the rest).</summary>
public static class TreatmentsApiDescription
{
    public static RouteHandlerBuilder DescribePutTreatment(this RouteHandlerBuilder route) => route
        .WithName("PutTreatment").WithTags("Treatments")
        .WithSummary("Create or replace a treatment and its clinical guardrails (admin).")
        .WithDescription("`minReliefDays`/`maxReliefDays` bound every relief planned for its sessions (posted, estimated or default): no patient is nudged to " +
                         "rebook before the floor. `reliefDays` is its default (else the clinic's). `nameInEmail` (default false): nothing clinical in any email unless set. " +
                         "Applies to sessions registered from then on.")
        .AcceptsJson<TreatmentRequest>(JsonBody.MaxBytes)
        .Responds(200, typeof(Treatment), "Replaced.", Json)
        .Responds(201, typeof(Treatment), "Created.", Json)
        .RespondsInvalid("A bad id, a missing name, or guardrails out of range or inverted (`errors` names the field).")
        .Responds(404, typeof(ProblemDetails), "No such clinic.", ProblemJson)
        .Responds(409, typeof(ProblemDetails), $"The clinic has {TreatmentCatalog.MaxPerClinic} treatments, the most it may have.", ProblemJson)
        .RequiresAdminKey();

    public static RouteHandlerBuilder DescribePreviewPlan(this RouteHandlerBuilder route) => route
        .WithName("PreviewPlan").WithTags("Clinics")
        .WithSummary("What a settings change would do to pending reminders, without making it (admin).")
        .WithDescription("The body a PUT /api/clinics/{clinicId} would send. Answers `pending`, `moving`, `expiring` and up to " +
                         $"{Reminders.Plan.PlanPreviewApi.MaxListed} `changes` (patientId, sessionId, from, to, status, reason). Saves nothing. " +
                         "Reads each pending reminder once, for at most 20 seconds (`complete: false` when the counts are partial).")
        .AcceptsJson<Reminders.Clinics.ClinicSettingsRequest>(JsonBody.MaxBytes)
        .Responds(200, typeof(Reminders.Plan.ReminderReplanner.Preview), "What would change.", Json)
        .RespondsInvalid("A setting is invalid (`errors` names it), as for PUT.")
        .Responds(404, typeof(ProblemDetails), "No such clinic.", ProblemJson)
        .RequiresAdminKey();

    public static RouteHandlerBuilder DescribeGetTreatment(this RouteHandlerBuilder route) => route
        .WithName("GetTreatment").WithTags("Treatments")
        .WithSummary("One treatment (admin, or the clinic).")
        .Responds(200, typeof(Treatment), "The treatment.", Json)
        .RespondsInvalid("A bad id.")
        .Responds(404, typeof(ProblemDetails), "No such clinic or treatment (another clinic's is a 404 too).", ProblemJson)
        .RequiresAdminOrClinicKey(staffMay: true);

    public static RouteHandlerBuilder DescribeListTreatments(this RouteHandlerBuilder route) => route
        .WithName("ListTreatments").WithTags("Treatments")
        .WithSummary("The clinic's treatments (admin, or the clinic).")
        .Responds(200, typeof(TreatmentsApi.TreatmentList), "The treatments.", Json)
        .RespondsInvalid("A bad clinic id.")
        .Responds(404, typeof(ProblemDetails), "No such clinic (another clinic's is a 404 too).", ProblemJson)
        .RequiresAdminOrClinicKey(staffMay: true);
}
