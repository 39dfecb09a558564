using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Reminders.Dashboard;

namespace Reminders.Functions;

/// <summary>The clinic dashboard's static files at /api/dashboard/: anonymous (no data in them; the page signs in with a staff key).</summary>
public sealed class DashboardFunctions
{
    [Function("GetDashboard")]
    public IResult GetDashboard(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "dashboard/{file?}")] HttpRequest request, string? file) =>
        DashboardApi.GetAsset(request, file);
}
