using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Reminders.Http;
using Reminders.Patients;

namespace Reminders.Functions;

public sealed class PatientFunctions(ApiAuthentication auth, PatientAdministration patients)
{
    [Function("GetPatient")]
    public Task<IResult> GetPatient(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "patients/{patientId}")] HttpRequest request, string patientId, CancellationToken ct) =>
        PatientsApi.GetPatient(request, patientId, auth, patients, ct);

    [Function("CancelSession")]
    public Task<IResult> CancelSession(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "patients/{patientId}/sessions/{sessionId}")] HttpRequest request,
        string patientId, string sessionId, CancellationToken ct) =>
        PatientsApi.CancelSession(request, patientId, sessionId, auth, patients, ct);

    [Function("LiftBounce")]
    public Task<IResult> LiftBounce(
        [HttpTrigger(AuthorizationLevel.Function, "delete", Route = "patients/{patientId}/bounce")] HttpRequest request, string patientId, CancellationToken ct) =>
        PatientsApi.LiftBounce(request, patientId, auth, patients, ct);

    [Function("ErasePatient")]
    public Task<IResult> ErasePatient(
        [HttpTrigger(AuthorizationLevel.Function, "delete", Route = "patients/{patientId}")] HttpRequest request, string patientId, CancellationToken ct) =>
        PatientsApi.ErasePatient(request, patientId, auth, patients, ct);
}
