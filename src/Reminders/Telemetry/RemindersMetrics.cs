using System.Diagnostics;
using System.Diagnostics.Metrics;
using Reminders.Email;

namespace Reminders.Telemetry;

/// <summary>
/// The "Reminders" meter and its instruments. Created through <see cref="IMeterFactory"/>, so each service provider
/// has its own meter (<see cref="TelemetryRegistration"/> exports only its own): two hosts in one process, such as
/// tests running side by side, do not count into each other's metrics. Without a metrics reader (no exporter)
/// recording a measurement is a no-op and the observable gauges are never read.
/// </summary>
public sealed class RemindersMetrics
{
    private readonly Counter<long> _settled;
    private readonly Counter<long> _sends;
    private readonly Histogram<double> _sendDuration;
    private readonly Histogram<double> _sweepDuration;

    public RemindersMetrics(IMeterFactory meters, DispatchQueueGauges queue, QuotaUsage quota)
    {
        var meter = meters.Create(RemindersTelemetry.Name);
        _settled = meter.CreateCounter<long>("reminders.settled", "{reminder}",
            "Due reminders a sweep or dispatch worked on, by outcome (Sent, Skipped, Expired, Failed, Deferred, Repaired, None) and reason.");
        _sends = meter.CreateCounter<long>("reminders.email.sends", "{send}",
            "Emails handed to the provider, by provider and the provider's answer (Accepted, Transient, Rejected, Misconfigured, Unknown).");
        // Provider calls take tens of milliseconds (outbox, SMTP on an open connection) to seconds (ACS with retries).
        _sendDuration = meter.CreateHistogram("reminders.email.send.duration", "s",
            "How long the email provider took to answer one send, by provider and result.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60] });
        // Sweeps and dispatches run for milliseconds (nothing due) up to their time budget (minutes).
        _sweepDuration = meter.CreateHistogram("reminders.sweep.duration", "s",
            "How long one sweep (run), scheduled plan (plan) or dispatch message (dispatch) took.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600] });
        meter.CreateObservableGauge("reminders.dispatch.queue.length", queue.ObserveLength, "{message}",
            "Approximate number of messages on the dispatch queue (storage's own count), refreshed at most every Telemetry:QueueGaugeRefresh.");
        meter.CreateObservableGauge("reminders.dispatch.queue.oldest_age", queue.ObserveOldestAge, "s",
            "Age of the oldest visible message on the dispatch queue, refreshed at most every Telemetry:QueueGaugeRefresh.");
        meter.CreateObservableGauge("reminders.quota.used", quota.Observe, "{send}",
            "Sends counted against the provider quota in the sliding minute and hour, by resource, as this instance last read them.");
    }

    public void Settled(string outcome, string? reason, int count = 1) =>
        _settled.Add(count, new TagList { { RemindersTelemetry.Tags.Outcome, outcome }, { RemindersTelemetry.Tags.Reason, RemindersTelemetry.Code(reason) } });

    public void Sent(string provider, EmailSendOutcome result, TimeSpan took)
    {
        var tags = new TagList { { RemindersTelemetry.Tags.Provider, provider }, { RemindersTelemetry.Tags.Result, result.ToString() } };
        _sends.Add(1, tags);
        _sendDuration.Record(took.TotalSeconds, tags);
    }

    /// <param name="kind">run, plan or dispatch.</param>
    public void SweepTook(string kind, TimeSpan took) =>
        _sweepDuration.Record(took.TotalSeconds, new KeyValuePair<string, object?>(RemindersTelemetry.Tags.SweepKind, kind));
}
