using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Reminders.Clinics;
using Reminders.Configuration;
using Reminders.Dispatch;
using Reminders.Plan;
using Reminders.Storage;
using Reminders.Telemetry;

namespace Reminders.Sweep;

/// <summary>
/// A sweep: bring old data over (once), settle deliveries the provider finished, plan what is due (clinics inside
/// their window, interleaved fairly), then either dispatch it here (<see cref="RunAsync"/>: an operator's sweep, or a
/// single instance) or put it on the dispatch queue for the senders (<see cref="PlanAsync"/>: the schedule), and
/// finally reconcile the due index (daily). Safe to repeat, to crash part-way and to overlap: every reminder is claimed
/// in the send ledger before it is sent. Each part that fails is logged and counted, and the run goes on.
/// </summary>
public sealed class ReminderSweep(
    ReminderTables tables,
    ClinicDirectory clinics,
    StorageMigration migration,
    DeliverySettlement settlement,
    DueIndexReconciler reconciler,
    Webhooks.WebhookUpkeep webhookUpkeep,
    ReminderPlanner planner,
    ReminderDispatcher dispatcher,
    DueIndex dueIndex,
    DispatchQueue queue,
    RemindersMetrics metrics,
    IOptions<RemindersOptions> options,
    TimeProvider time,
    ILogger<ReminderSweep> logger)
{
    /// <summary>Plans and sends in this instance, and returns this run's own transitions.</summary>
    public async Task<SweepResult> RunAsync(CancellationToken ct)
    {
        using var span = RemindersTelemetry.Source.StartActivity("reminders.sweep");
        var run = await StartAsync(span, ct);
        IReadOnlyList<DueWork> plan = [];
        await run.PartAsync("planning", async () => plan = await planner.PlanAsync(run.Clinics, ct));
        await run.PartAsync("dispatch", () => dispatcher.DispatchAsync(plan, run.Id, run.Deadline, run.Tally, ct));
        await run.PartAsync("due-index reconcile", () => reconciler.RunIfDueAsync(run.Clinics, ct));
        await run.PartAsync("webhook upkeep", () => webhookUpkeep.RunAsync(run.Clinics.Keys, ct));

        var tally = run.Tally;
        var result = new SweepResult(run.Id, run.StartedAt, time.GetUtcNow(),
            tally.Sent, tally.Skipped, tally.Expired, tally.Failed, tally.Deferred, tally.Repaired, tally.Errors);
        metrics.SweepTook("run", run.Elapsed);
        span?.SetTag("reminders.planned", plan.Count);
        Tag(span, result);
        logger.LogInformation(
            "Sweep {RunId} finished in {ElapsedMs} ms: {Planned} planned, sent {Sent}, skipped {Skipped}, expired {Expired}, failed {Failed}, deferred {Deferred}, repaired {Repaired}, errors {Errors}",
            run.Id, (long)(result.FinishedAt - run.StartedAt).TotalMilliseconds, plan.Count, result.Sent, result.Skipped, result.Expired, result.Failed,
            result.Deferred, result.Repaired, result.Errors);
        return result;
    }

    /// <summary>
    /// Plans onto the dispatch queue (the scheduled sweep). A reminder already queued and not settled is not queued
    /// again within its lease; planning twice is harmless anyway, because the ledger and claims decide.
    /// </summary>
    public async Task<PlanResult> PlanAsync(CancellationToken ct)
    {
        using var span = RemindersTelemetry.Source.StartActivity("reminders.plan");
        var run = await StartAsync(span, ct);
        IReadOnlyList<DueWork> plan = [];
        IReadOnlyList<DueEntity> queued = [];
        var messages = 0;
        await run.PartAsync("planning onto the dispatch queue", async () =>
        {
            plan = await planner.PlanAsync(run.Clinics, ct, skipQueued: true);
            queued = await dueIndex.MarkPlannedAsync(plan.Select(w => w.Due).ToList(), time.GetUtcNow() + options.Value.ClaimLease, ct);
            messages = await queue.EnqueueAsync(queued, run.Id, ct);
        });
        await run.PartAsync("due-index reconcile", () => reconciler.RunIfDueAsync(run.Clinics, ct));
        await run.PartAsync("webhook upkeep", () => webhookUpkeep.RunAsync(run.Clinics.Keys, ct));

        var result = new PlanResult(run.Id, run.StartedAt, time.GetUtcNow(), plan.Count, queued.Count, messages, run.Tally.Failed, run.Tally.Errors);
        metrics.SweepTook("plan", run.Elapsed);
        span?.SetTag("reminders.planned", result.Planned);
        span?.SetTag("reminders.queued", result.Queued);
        span?.SetTag("reminders.messages", result.Messages);
        span?.SetTag("reminders.errors", result.Errors);
        logger.LogInformation(
            "Plan {RunId} finished in {ElapsedMs} ms: {Planned} due reminders, {Queued} queued in {Messages} dispatch messages, failed {Failed}, errors {Errors}",
            run.Id, (long)(result.FinishedAt - run.StartedAt).TotalMilliseconds, result.Planned, result.Queued, result.Messages, result.Failed, result.Errors);
        return result;
    }

    /// <summary>The counts of a finished run, on its span (counts only: the reminders have their own spans).</summary>
    internal static void Tag(System.Diagnostics.Activity? span, SweepResult result)
    {
        if (span is null) return;
        span.SetTag("reminders.sent", result.Sent);
        span.SetTag("reminders.skipped", result.Skipped);
        span.SetTag("reminders.expired", result.Expired);
        span.SetTag("reminders.failed", result.Failed);
        span.SetTag("reminders.deferred", result.Deferred);
        span.SetTag("reminders.repaired", result.Repaired);
        span.SetTag("reminders.errors", result.Errors);
    }

    private async Task<Run> StartAsync(System.Diagnostics.Activity? span, CancellationToken ct)
    {
        var startedAt = time.GetUtcNow();
        var run = new Run(Guid.NewGuid().ToString("N")[..12], startedAt, startedAt + options.Value.SweepTimeBudget, new SweepTally(), logger, ct);
        span?.SetTag(RemindersTelemetry.Tags.RunId, run.Id);
        await tables.EnsureCreatedAsync(ct);
        await run.PartAsync("storage migration", () => migration.EnsureMigratedAsync(ct));
        var list = await clinics.ListAsync(ct);
        run.Clinics = list.Clinics;
        if (list.Unreadable.Count > 0)
        {
            run.Tally.Errors += list.Unreadable.Count;
            logger.LogError("Sweep {RunId}: {Count} clinic rows cannot be read (unknown time zone?) and are left out: {Clinics}",
                run.Id, list.Unreadable.Count, string.Join(", ", list.Unreadable));
        }
        await run.PartAsync("delivery settlement", async () =>
        {
            var (failed, errors) = await settlement.SettleAsync(run.Clinics.Values, run.Deadline, ct);
            run.Tally.Failed += failed;
            run.Tally.Errors += errors;
        });
        return run;
    }

    private sealed class Run(string id, DateTimeOffset startedAt, DateTimeOffset deadline, SweepTally tally, ILogger logger, CancellationToken ct)
    {
        // Durations are wall-clock time (the Stopwatch), whatever clock the service is given.
        private readonly long _started = System.Diagnostics.Stopwatch.GetTimestamp();

        public string Id => id;
        public TimeSpan Elapsed => System.Diagnostics.Stopwatch.GetElapsedTime(_started);
        public DateTimeOffset StartedAt => startedAt;
        public DateTimeOffset Deadline => deadline;
        public SweepTally Tally => tally;
        public IReadOnlyDictionary<string, Clinic> Clinics { get; set; } = new Dictionary<string, Clinic>();

        /// <summary>Runs one part of the sweep; a failure is logged and counted, and the sweep goes on without it.</summary>
        public async Task PartAsync(string part, Func<Task> work)
        {
            try
            {
                await work();
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                tally.Errors++;
                logger.LogError(e, "Sweep {RunId}: the {Part} failed; the run goes on without it", id, part);
            }
        }
    }
}

/// <summary>What a scheduled sweep planned: due reminders found, queued (not already queued), in how many messages.</summary>
public sealed record PlanResult(string RunId, DateTimeOffset StartedAt, DateTimeOffset FinishedAt, int Planned, int Queued, int Messages, int Failed, int Errors);
