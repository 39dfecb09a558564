using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Reminders.Health;
using Reminders.Storage;

namespace Reminders.Functions;

public sealed class HealthFunctions(ReminderTables tables)
{
    /// <summary>Anonymous: load balancers and uptime checks carry no key.</summary>
    [Function("Health")]
    public Task<IResult> Health(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequest request, CancellationToken ct) =>
        HealthApi.GetHealth(tables, ct);
}
