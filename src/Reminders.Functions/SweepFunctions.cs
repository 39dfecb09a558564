using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Reminders.Http;
using Reminders.Sweep;

namespace Reminders.Functions;

public sealed class SweepFunctions(ApiAuthentication auth, ReminderSweep sweep)
{
    /// <summary>
    /// Hourly by default, so every time zone gets a run inside its send window. It only plans: the due reminders go on
    /// the dispatch queue, where <see cref="DispatchFunctions"/> scale out to send them. The host's blob lock keeps one
    /// instance planning; a missed run is caught up by the next one, which plans everything still due.
    /// </summary>
    [Function("ReminderSweep")]
    public Task PlanOnSchedule([TimerTrigger("%ReminderSweepSchedule%")] TimerInfo timer, CancellationToken ct) =>
        sweep.PlanAsync(ct);

    [Function("RunSweep")]
    public Task<IResult> RunSweep(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "sweeps")] HttpRequest request, CancellationToken ct) =>
        SweepsApi.RunSweep(request, auth, sweep, ct);
}
