using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Reminders.Clinics;
using Reminders.Configuration;
using Reminders.Plan;
using Reminders.Storage;

namespace Reminders.Sweep;

/// <summary>
/// Finds pending reminders that are due and settles each one. Safe to repeat, to crash part-way and to overlap
/// with another run: each reminder is claimed with a conditional (ETag) write before it is sent.
/// </summary>
public sealed class ReminderSweep(
    ReminderTables tables,
    ClinicDirectory clinics,
    DueReminderProcessor processor,
    DeliverySettlement settlement,
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
        var stopSending = false;

        await tables.EnsureCreatedAsync(ct);
        tally.Failed += await settlement.SettleAsync(deadline, ct);
        var allClinics = await clinics.ListAsync(ct);

        // Partitions up to the latest local "today" among the clinics hold everything due anywhere; each row is then
        // checked against its own clinic's today. Later partitions (tomorrow's reminders) are not read at all.
        var latestToday = allClinics.Values.Select(c => c.Today(time)).DefaultIfEmpty(DateOnly.FromDateTime(startedAt.UtcDateTime)).Max();
        var upper = DueEntity.PartitionFor(latestToday.AddDays(1));
        var filter = TableClient.CreateQueryFilter($"PartitionKey lt {upper}");
        await foreach (var due in tables.Due.QueryAsync<DueEntity>(filter, cancellationToken: ct))
        {
            if (!allClinics.TryGetValue(due.ClinicId, out var clinic)) continue;
            if (string.CompareOrdinal(due.PartitionKey[..10], DueEntity.PartitionFor(clinic.Today(time))) > 0) continue;
            // Outside the clinic's local send window, or paused: not touched at all, not even expired.
            if (clinic.Paused || !clinic.IsInSendWindow(time)) continue;

            if (stopSending || time.GetUtcNow() >= deadline)
            {
                tally.Deferred++;
                continue;
            }

            Transition transition;
            try
            {
                transition = await processor.ProcessAsync(due, clinic, runId, ct);
            }
            catch (RequestFailedException e)
            {
                // One storage hiccup should not end the run for every other clinic. The reminder stays pending
                // (a claim it holds expires with its lease), so nothing is lost; the next run settles it.
                logger.LogWarning(e, "Reminder {ReminderId} could not be settled this run (storage answered {Status})", due.ReminderId, e.Status);
                transition = Transition.Deferred;
            }
            if (transition == Transition.StopSending)
            {
                stopSending = true;
                tally.Deferred++;
            }
            else tally.Count(transition);
        }

        var result = new SweepResult(runId, startedAt, time.GetUtcNow(),
            tally.Sent, tally.Skipped, tally.Expired, tally.Failed, tally.Deferred);
        logger.LogInformation(
            "Sweep {RunId} finished in {ElapsedMs} ms: sent {Sent}, skipped {Skipped}, expired {Expired}, failed {Failed}, deferred {Deferred}",
            runId, (long)(result.FinishedAt - startedAt).TotalMilliseconds, result.Sent, result.Skipped, result.Expired, result.Failed, result.Deferred);
        return result;
    }
}
