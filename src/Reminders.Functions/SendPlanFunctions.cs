using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Reminders.Http;
using Reminders.Patients;
using Reminders.Plan;

namespace Reminders.Functions;

public sealed class SendPlanFunctions(ApiAuthentication auth, PatientRecords records, Reminders.Security.SealedTokens tokens, Reminders.Ledger.SendLedger ledger)
{
    [Function("GetSendPlan")]
    public Task<IResult> GetSendPlan(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "reminders")] HttpRequest request, CancellationToken ct) =>
        SendPlanApi.GetSendPlan(request, auth, records, tokens, ledger, ct);
}
