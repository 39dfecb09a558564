using Reminders.Sweep;

namespace Reminders.Server;

/// <summary>
/// Plans on <c>ReminderSweepSchedule</c> onto the dispatch queue, the Server's stand-in for the Functions timer trigger;
/// <see cref="Reminders.Dispatch.DispatchQueueListener"/> (in this and every other instance) sends.
/// </summary>
public sealed class SweepScheduler(SweepSchedule schedule, ReminderSweep sweep, TimeProvider time, ILogger<SweepScheduler> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        logger.LogInformation("Sweep schedule '{Schedule}' (UTC)", schedule.Text);
        while (!stoppingToken.IsCancellationRequested)
        {
            var now = time.GetUtcNow();
            if (schedule.NextAfter(now) is not { } next) return;
            // Wait in steps of at most a day: Task.Delay refuses waits over ~49 days, and a monthly schedule is valid.
            while (time.GetUtcNow() < next)
                await Task.Delay(Min(next - time.GetUtcNow(), TimeSpan.FromDays(1)), time, stoppingToken);
            try
            {
                await sweep.PlanAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A failed run loses nothing: what it did not settle stays pending for the next one.
                logger.LogError(e, "Scheduled sweep failed");
            }
        }
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
