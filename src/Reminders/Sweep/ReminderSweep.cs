using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Reminders.Clinics;
using Reminders.Configuration;
using Reminders.Storage;

namespace Reminders.Sweep;

/// <summary>
/// One sweep: bring old data over (once), settle deliveries the provider finished, plan what is due and fair,
/// dispatch it, then reconcile the due index (daily). Safe to repeat, to crash part-way and to overlap with another run:
/// every reminder is claimed in the send ledger before it is sent. Each part that fails is logged and counted, and
/// the run goes on with the others.
/// </summary>
public sealed class ReminderSweep(
    ReminderTables tables,
    ClinicDirectory clinics,
    StorageMigration migration,
    DeliverySettlement settlement,
    DueIndexReconciler reconciler,
    ReminderPlanner planner,
    ReminderDispatcher dispatcher,
    IOptions<RemindersOptions> options,
    TimeProvider time,
    ILogger<ReminderSweep> logger)
{
    public async Task<SweepResult> RunAsync(CancellationToken ct)
    {
        var runId = Guid.NewGuid().ToString("N")[..12];
        var startedAt = time.GetUtcNow();
        var deadline = startedAt + options.Value.SweepTimeBudget;
        var tally = new SweepTally();

        await tables.EnsureCreatedAsync(ct);
        await PartAsync("storage migration", () => migration.EnsureMigratedAsync(ct));
        var list = await clinics.ListAsync(ct);
        if (list.Unreadable.Count > 0)
        {
            tally.Errors += list.Unreadable.Count;
            logger.LogError("Sweep {RunId}: {Count} clinic rows cannot be read (unknown time zone?) and are left out: {Clinics}",
                runId, list.Unreadable.Count, string.Join(", ", list.Unreadable));
        }
        await PartAsync("delivery settlement", async () =>
        {
            var (failed, errors) = await settlement.SettleAsync(list.Clinics.Values, deadline, ct);
            tally.Failed += failed;
            tally.Errors += errors;
        });
        var plan = await planner.PlanAsync(list.Clinics, ct);
        await dispatcher.DispatchAsync(plan, runId, deadline, tally, ct);

        // After sending, so a day's reconcile never delays the reminders that are due; what it repairs goes next run.
        await PartAsync("due-index reconcile", () => reconciler.RunIfDueAsync(list.Clinics, ct));

        var result = new SweepResult(runId, startedAt, time.GetUtcNow(),
            tally.Sent, tally.Skipped, tally.Expired, tally.Failed, tally.Deferred, tally.Repaired, tally.Errors);
        logger.LogInformation(
            "Sweep {RunId} finished in {ElapsedMs} ms: {Planned} planned, sent {Sent}, skipped {Skipped}, expired {Expired}, failed {Failed}, deferred {Deferred}, repaired {Repaired}, errors {Errors}",
            runId, (long)(result.FinishedAt - startedAt).TotalMilliseconds, plan.Count, result.Sent, result.Skipped, result.Expired, result.Failed,
            result.Deferred, result.Repaired, result.Errors);
        return result;

        async Task PartAsync(string part, Func<Task> run)
        {
            try
            {
                await run();
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                tally.Errors++;
                logger.LogError(e, "Sweep {RunId}: the {Part} failed; the run goes on without it", runId, part);
            }
        }
    }
}
