using Azure;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Reminders.Configuration;
using Reminders.Email;
using Reminders.Quota;
using Reminders.Telemetry;
using Reminders.Unsubscribe;

namespace Reminders.Sweep;

/// <summary>
/// Settles planned reminders with bounded parallelism. Each one takes a send from the shared provider quota in plan
/// order before it starts (a reminder that needs no email gives it back), so when the quota or the time budget runs
/// out, what is left stays pending and the clinics served were served fairly. A failure on one reminder is logged
/// and counted; the rest go on.
/// </summary>
public sealed class ReminderDispatcher(
    DueReminderProcessor processor,
    Plan.DueIndex dueIndex,
    SendQuota quota,
    IEmailSender sender,
    OptOuts optOuts,
    RemindersMetrics metrics,
    IOptions<RemindersOptions> options,
    TimeProvider time,
    ILogger<ReminderDispatcher> logger)
{
    internal async Task DispatchAsync(IReadOnlyList<DueWork> plan, string runId, DateTimeOffset deadline, SweepTally tally, CancellationToken ct)
    {
        var context = new DispatchContext(runId, optOuts);
        var parallelism = options.Value.SendParallelism;
        var pool = new QuotaPool(quota, sender.Traits.Limits, blockSize: parallelism, time);
        var gate = new SemaphoreSlim(1, 1);
        var next = 0;
        var stop = false;

        async Task<(DueWork Work, QuotaPool.Lease? Send)?> TakeAsync()
        {
            await gate.WaitAsync(ct);
            try
            {
                if (stop || next >= plan.Count || time.GetUtcNow() >= deadline) return null;
                QuotaPool.Lease? send = null;
                if (options.Value.SendingEnabled)
                {
                    try
                    {
                        send = await pool.TakeAsync(plan.Count - next, deadline, ct);
                    }
                    catch (RequestFailedException e)
                    {
                        logger.LogWarning(e, "Sweep {RunId}: the shared quota could not be read (storage answered {Status}); sending stops for this run", runId, e.Status);
                        Interlocked.Increment(ref tally.Errors);
                        stop = true;
                        return null;
                    }
                    if (send is null)
                    {
                        logger.LogInformation("Sweep {RunId}: the email provider's quota is used up; {Left} reminders wait for a later run", runId, plan.Count - next);
                        stop = true;
                        return null;
                    }
                }
                return (plan[next++], send);
            }
            finally
            {
                gate.Release();
            }
        }

        async Task WorkAsync()
        {
            while (await TakeAsync() is { } item)
            {
                DueReminderProcessor.Result result;
                // One span per reminder: its id and clinic, what happened and why. No patient or session id, no address.
                using var span = RemindersTelemetry.Source.StartActivity("reminders.settle");
                span?.SetTag(RemindersTelemetry.Tags.ReminderId, item.Work.Due.ReminderId.ToString());
                span?.SetTag(RemindersTelemetry.Tags.ClinicId, item.Work.Clinic.Id);
                try
                {
                    using (await context.PatientTurnAsync(item.Work.Due.ClinicId, item.Work.Due.PatientId, ct))
                        result = await processor.ProcessAsync(item.Work, context, ct);
                }
                catch (Exception e) when (!ct.IsCancellationRequested)
                {
                    // One reminder's storage hiccup (or a bug) must not end the run for everyone else. The reminder
                    // stays pending (a ledger claim it holds expires with its lease); the next run settles it.
                    if (e is RequestFailedException storage)
                        logger.LogWarning(e, "Reminder {ReminderId} could not be settled this run (storage answered {Status})", item.Work.Due.ReminderId, storage.Status);
                    else
                        logger.LogError(e, "Reminder {ReminderId} could not be settled this run", item.Work.Due.ReminderId);
                    Interlocked.Increment(ref tally.Errors);
                    result = new(Transition.Deferred, Reason: e is RequestFailedException ? "StorageError" : "Error");
                    span?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, result.Reason);
                }
                var outcome = Outcome(result.Transition);
                var reason = RemindersTelemetry.Code(result.Reason);
                span?.SetTag(RemindersTelemetry.Tags.Outcome, outcome);
                span?.SetTag(RemindersTelemetry.Tags.Reason, reason);
                metrics.Settled(outcome, reason);
                if (item.Send is not null && !result.UsedProvider)
                {
                    await gate.WaitAsync(CancellationToken.None);
                    pool.GiveBack(item.Send);
                    gate.Release();
                }
                if (result.Transition == Transition.StopSending) stop = true;
                tally.Count(result.Transition);
            }
        }

        try
        {
            await Task.WhenAll(Enumerable.Range(0, Math.Min(parallelism, Math.Max(plan.Count, 1))).Select(_ => WorkAsync()));
        }
        finally
        {
            // Everything not started waits for a later run.
            Interlocked.Add(ref tally.Deferred, plan.Count - next);
            if (plan.Count > next) metrics.Settled(Outcome(Transition.Deferred), "NotStarted", plan.Count - next);
            try
            {
                await pool.ReturnUnusedAsync(CancellationToken.None);
            }
            catch (RequestFailedException e)
            {
                // Unused sends not given back: the quota is under-used for a minute or an hour, nothing worse.
                logger.LogWarning(e, "Sweep {RunId}: unused sends could not be returned to the shared quota (storage answered {Status})", runId, e.Status);
                Interlocked.Increment(ref tally.Errors);
            }
            // Settled reminders' due rows, a transaction per partition. Left behind by a crash, they are stale rows
            // the next run removes.
            try
            {
                await dueIndex.RemoveAllAsync(context.TakeFinished(), CancellationToken.None);
            }
            catch (RequestFailedException e)
            {
                logger.LogWarning(e, "Sweep {RunId}: settled due rows could not be removed (storage answered {Status}); the next run removes them", runId, e.Status);
                Interlocked.Increment(ref tally.Errors);
            }
        }
    }

    /// <summary>The outcome as the sweep's result counts it (a stop for a misconfigured provider is a deferral).</summary>
    private static string Outcome(Transition transition) => transition == Transition.StopSending ? nameof(Transition.Deferred) : transition.ToString();
}
