using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Reminders.Http;
using Reminders.Stats;

namespace Reminders.Functions;

public sealed class StatsFunctions(ApiAuthentication auth, RebookingStats stats, TimeProvider time)
{
    [Function("GetStats")]
    public Task<IResult> GetStats(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "stats")] HttpRequest request, CancellationToken ct) =>
        StatsApi.GetStats(request, auth, stats, time, ct);
}
