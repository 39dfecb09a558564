using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Reminders.Clinics;
using Reminders.Http;

namespace Reminders.Functions;

public sealed class ClinicKeyFunctions(ApiAuthentication auth, ClinicKeys keys, Dashboard.StaffSignIns signIns)
{
    [Function("IssueClinicKey")]
    public Task<IResult> IssueKey(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "clinics/{clinicId}/keys")] HttpRequest request, string clinicId, CancellationToken ct) =>
        ClinicKeysApi.IssueKey(request, clinicId, auth, keys, ct);

    [Function("ListClinicKeys")]
    public Task<IResult> ListKeys(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "clinics/{clinicId}/keys")] HttpRequest request, string clinicId, CancellationToken ct) =>
        ClinicKeysApi.ListKeys(request, clinicId, auth, keys, ct);

    [Function("RevokeClinicKey")]
    public Task<IResult> RevokeKey(
        [HttpTrigger(AuthorizationLevel.Function, "delete", Route = "clinics/{clinicId}/keys/{keyId}")] HttpRequest request,
        string clinicId, string keyId, CancellationToken ct) =>
        ClinicKeysApi.RevokeKey(request, clinicId, keyId, auth, keys, signIns, ct);
}
