using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Reminders.Clinics;
using Reminders.Http;

namespace Reminders.Functions;

public sealed class ClinicFunctions(ApiAuthentication auth, ClinicDirectory clinics, Reminders.Plan.ReminderReplanner replanner,
    Reminders.Treatments.TreatmentCatalog treatments, TimeProvider time)
{
    [Function("GetOwnClinic")]
    public Task<IResult> GetOwnClinic(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "clinic")] HttpRequest request, CancellationToken ct) =>
        ClinicsApi.GetOwnClinic(request, auth, time, ct);

    [Function("PutClinic")]
    public Task<IResult> PutClinic(
        [HttpTrigger(AuthorizationLevel.Function, "put", Route = "clinics/{clinicId}")] HttpRequest request, string clinicId, CancellationToken ct) =>
        ClinicsApi.PutClinic(request, clinicId, auth, clinics, replanner, treatments, time, ct);
}
