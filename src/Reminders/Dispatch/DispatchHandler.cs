using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Reminders.Clinics;
using Reminders.Configuration;
using Reminders.Sweep;
using Reminders.Telemetry;

namespace Reminders.Dispatch;

/// <summary>
/// Settles the reminders of one dispatch message, in its order and with bounded parallelism: the work of a
/// queue-triggered function, or of the Server's queue consumer. Each reminder is checked again against its clinic
/// now (window, pause, today): one the message no longer fits stays pending and is planned again later.
/// </summary>
public sealed class DispatchHandler(
    ClinicDirectory clinics, ReminderDispatcher dispatcher, RemindersMetrics metrics, IOptions<RemindersOptions> options, TimeProvider time,
    ILogger<DispatchHandler> logger)
{
    public async Task<SweepResult> HandleAsync(string text, CancellationToken ct)
    {
        using var span = RemindersTelemetry.Source.StartActivity("reminders.dispatch");
        var started = System.Diagnostics.Stopwatch.GetTimestamp(); // wall-clock, whatever clock the service is given
        var startedAt = time.GetUtcNow();
        var message = DispatchMessage.Parse(text);
        if (message is null)
        {
            // Nothing in it can be settled; its reminders (if any) are planned again once their lease ends.
            logger.LogWarning("A dispatch message could not be read and was dropped");
            span?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, "Unreadable message");
            return new SweepResult("unreadable", startedAt, startedAt, 0, 0, 0, 0, 0, Errors: 1);
        }

        var runId = $"{message.RunId}-{Guid.NewGuid().ToString("N")[..6]}";
        span?.SetTag(RemindersTelemetry.Tags.RunId, runId);
        span?.SetTag("reminders.items", message.Items.Count);
        var byId = new Dictionary<string, Clinic?>(StringComparer.Ordinal);
        foreach (var id in message.Items.Select(i => i.ClinicId).Distinct(StringComparer.Ordinal))
            byId[id] = await clinics.FindAsync(id, ct);

        var work = new List<DueWork>(message.Items.Count);
        var notNow = 0;
        foreach (var item in message.Items)
        {
            var clinic = byId[item.ClinicId];
            if (clinic is null || clinic.Paused || !clinic.IsInSendWindow(time) ||
                string.CompareOrdinal(item.PartitionKey[..10], clinic.Today(time).ToString("yyyy-MM-dd")) > 0)
                notNow++;
            else work.Add(new DueWork(item.ToDue(), clinic));
        }

        var tally = new SweepTally();
        await dispatcher.DispatchAsync(work, runId, startedAt + options.Value.SweepTimeBudget, tally, ct);
        var result = new SweepResult(runId, startedAt, time.GetUtcNow(), tally.Sent, tally.Skipped, tally.Expired, tally.Failed,
            tally.Deferred + notNow, tally.Repaired, tally.Errors);
        if (notNow > 0) metrics.Settled("Deferred", "NotNow", notNow);
        metrics.SweepTook("dispatch", System.Diagnostics.Stopwatch.GetElapsedTime(started));
        ReminderSweep.Tag(span, result);
        logger.LogInformation(
            "Dispatch {RunId} finished in {ElapsedMs} ms: {Items} reminders, sent {Sent}, skipped {Skipped}, expired {Expired}, failed {Failed}, deferred {Deferred}, repaired {Repaired}, errors {Errors}",
            runId, (long)(result.FinishedAt - startedAt).TotalMilliseconds, message.Items.Count, result.Sent, result.Skipped, result.Expired,
            result.Failed, result.Deferred, result.Repaired, result.Errors);
        return result;
    }
}
