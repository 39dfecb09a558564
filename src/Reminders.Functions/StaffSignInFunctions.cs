using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Reminders.Dashboard;
using Reminders.Http;

namespace Reminders.Functions;

public sealed class StaffSignInFunctions(ApiAuthentication auth, StaffSignIns signIns, RequestRateLimits limits)
{
    [Function("IssueSignInLink")]
    public Task<IResult> IssueSignInLink(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "clinics/{clinicId}/sign-in-links")] HttpRequest request, string clinicId, CancellationToken ct) =>
        StaffSignInApi.IssueSignInLink(request, clinicId, auth, signIns, ct);

    [Function("RevokeStaffSessions")]
    public Task<IResult> RevokeSessions(
        [HttpTrigger(AuthorizationLevel.Function, "delete", Route = "clinics/{clinicId}/staff-sessions")] HttpRequest request, string clinicId, CancellationToken ct) =>
        StaffSignInApi.RevokeSessions(request, clinicId, auth, signIns, ct);

    /// <summary>Anonymous: a browser opening a sign-in link carries no function key; the sealed, one-use link is the credential.</summary>
    [Function("StartStaffSession")]
    public Task<IResult> StartSession(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "staff-sessions")] HttpRequest request, CancellationToken ct) =>
        StaffSignInApi.StartSession(request, signIns, limits, ct);
}
