using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Reminders.Clinics;
using Reminders.Http;
using Reminders.Treatments;

namespace Reminders.Functions;

public sealed class TreatmentFunctions(ApiAuthentication auth, ClinicDirectory clinics, TreatmentCatalog treatments)
{
    [Function("PutTreatment")]
    public Task<IResult> Put(
        [HttpTrigger(AuthorizationLevel.Function, "put", Route = "clinics/{clinicId}/treatments/{treatmentId}")] HttpRequest request,
        string clinicId, string treatmentId, CancellationToken ct) =>
        TreatmentsApi.PutTreatment(request, clinicId, treatmentId, auth, clinics, treatments, ct);

    [Function("GetTreatment")]
    public Task<IResult> Get(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "clinics/{clinicId}/treatments/{treatmentId}")] HttpRequest request,
        string clinicId, string treatmentId, CancellationToken ct) =>
        TreatmentsApi.GetTreatment(request, clinicId, treatmentId, auth, treatments, ct);

    [Function("ListTreatments")]
    public Task<IResult> List(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "clinics/{clinicId}/treatments")] HttpRequest request, string clinicId, CancellationToken ct) =>
        TreatmentsApi.ListTreatments(request, clinicId, auth, treatments, ct);
}
