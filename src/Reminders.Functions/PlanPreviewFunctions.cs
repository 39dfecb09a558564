using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Reminders.Clinics;
using Reminders.Http;
using Reminders.Plan;

namespace Reminders.Functions;

public sealed class PlanPreviewFunctions(ApiAuthentication auth, ClinicDirectory clinics, ReminderReplanner replanner, TimeProvider time)
{
    [Function("PreviewPlan")]
    public Task<IResult> Preview(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "clinics/{clinicId}/plan-preview")] HttpRequest request, string clinicId, CancellationToken ct) =>
        PlanPreviewApi.PreviewPlan(request, clinicId, auth, clinics, replanner, time, ct);
}
