using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Reminders.Http;
using Reminders.Sessions;

namespace Reminders.Functions;

public sealed class SessionFunctions(ApiAuthentication auth, SessionRegistration registration, SessionBatchRegistration batch, TimeProvider time)
{
    [Function("RegisterSession")]
    public Task<IResult> RegisterSession(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "sessions")] HttpRequest request, CancellationToken ct) =>
        SessionsApi.RegisterSession(request, auth, registration, time, ct);

    [Function("RegisterSessions")]
    public Task<IResult> RegisterSessions(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "sessions/batch")] HttpRequest request, CancellationToken ct) =>
        RegisterSessionsApi.RegisterSessions(request, auth, batch, time, ct);
}
