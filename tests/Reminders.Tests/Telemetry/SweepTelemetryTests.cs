using Microsoft.Extensions.DependencyInjection;
using Reminders.Dispatch;
using Reminders.Email;
using Reminders.Plan;
using Reminders.Telemetry;
using Reminders.Tests.Infrastructure;
using Reminders.Tests.Sweep;
using static Reminders.Tests.Sweep.SweepTestBed;

namespace Reminders.Tests.Telemetry;

/// <summary>A sweep, a plan and a dispatch on Azurite, observed through in-memory exporters: the numbers are this run's.</summary>
public sealed class SweepTelemetryTests(Azurite azurite)
{
    private const string T = RemindersTelemetry.Tags.Outcome;
    private static readonly SenderTraits LimitedOutbox = new("Outbox", new SendLimits("tel-quota-resource", 100, 1000), CanConfirmEarlierAttempt: true);

    private static SweepTestBed Bed(Azurite azurite, TelemetryCapture capture) =>
        Create(azurite, settings: TelemetryCapture.Enabled, traits: LimitedOutbox, configure: (services, configuration) =>
        {
            capture.Register(services);
            services.AddRemindersTelemetry(configuration);
        });

    /// <summary>Three due, one superseded by a later session of the same patient (its own reminder not due yet).</summary>
    private static async Task<Clinics.Clinic> ThreeDueAndOneSupersededAsync(SweepTestBed bed)
    {
        var clinic = await bed.AddClinicAsync("tel-c1");
        foreach (var patient in new[] { "p1", "p2", "p3" })
            await bed.RegisterAsync(clinic, patient, bed.InjectionWithReminderDaysAgo(clinic, 0));
        await bed.RegisterAsync(clinic, "p4", bed.InjectionWithReminderDaysAgo(clinic, 1), sessionId: "s1");
        await bed.RegisterAsync(clinic, "p4", bed.Today(clinic).AddDays(-3), sessionId: "s2");
        return clinic;
    }

    [Fact]
    public async Task A_sweep_counts_reminders_by_outcome_and_reason_sends_by_provider_and_result_and_its_duration()
    {
        var capture = new TelemetryCapture();
        await using var bed = Bed(azurite, capture);
        TelemetryCapture.Start(bed.Services);
        await ThreeDueAndOneSupersededAsync(bed);

        var result = await bed.SweepAsync();
        capture.Flush(bed.Services);

        Assert.Equal((3, 1), (result.Sent, result.Skipped));
        Assert.Equal(3, capture.Sum("reminders.settled", (T, "Sent")));
        Assert.Equal(1, capture.Sum("reminders.settled", (T, "Skipped"), (RemindersTelemetry.Tags.Reason, SkipReason.Superseded)));
        Assert.Equal(4, capture.Sum("reminders.settled"));
        Assert.Equal(3, capture.Sum("reminders.email.sends", (RemindersTelemetry.Tags.Provider, "Outbox"), (RemindersTelemetry.Tags.Result, "Accepted")));
        Assert.Equal(3, capture.HistogramCount("reminders.email.send.duration", (RemindersTelemetry.Tags.Provider, "Outbox")));
        Assert.Equal(1, capture.HistogramCount("reminders.sweep.duration", (RemindersTelemetry.Tags.SweepKind, "run")));
        // Four sends reserved for four reminders; the skipped one's given back: three used in this minute and hour.
        var quota = capture.Points("reminders.quota.used", (RemindersTelemetry.Tags.QuotaResource, "tel-quota-resource")).ToList();
        Assert.Equal(3, quota.Single(p => TelemetryCapture.Tag(p, RemindersTelemetry.Tags.QuotaWindow) == "minute").GetGaugeLastValueLong());
        Assert.Equal(3, quota.Single(p => TelemetryCapture.Tag(p, RemindersTelemetry.Tags.QuotaWindow) == "hour").GetGaugeLastValueLong());

        // One span for the sweep, one per reminder under it (tagged with the clinic, never the patient), one per send.
        var sweep = Assert.Single(capture.Spans, s => s.OperationName == "reminders.sweep" && (string?)s.GetTagItem(RemindersTelemetry.Tags.RunId) == result.RunId);
        var settled = capture.Spans.Where(s => s.OperationName == "reminders.settle" && s.ParentSpanId == sweep.SpanId).ToList();
        Assert.Equal(4, settled.Count);
        Assert.All(settled, s => Assert.Equal("tel-c1", s.GetTagItem(RemindersTelemetry.Tags.ClinicId)));
        Assert.Equal(3, settled.Count(s => (string?)s.GetTagItem(T) == "Sent"));
        Assert.Equal(3, capture.Spans.Count(s => s.OperationName == "reminders.email.send" && settled.Any(p => p.SpanId == s.ParentSpanId)));
        Assert.Equal(3, sweep.GetTagItem("reminders.sent"));
        var patientTags = settled.SelectMany(s => s.TagObjects).Select(t => t.Value?.ToString() ?? "");
        Assert.DoesNotContain(patientTags, v => v is "p1" or "p2" or "p3" or "p4" || v.Contains("@", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_plan_and_its_dispatch_report_durations_and_the_queue_gauges_read_the_queue()
    {
        var capture = new TelemetryCapture();
        await using var bed = Bed(azurite, capture);
        TelemetryCapture.Start(bed.Services);
        await ThreeDueAndOneSupersededAsync(bed);
        var queue = bed.Services.GetRequiredService<DispatchQueue>();
        var gauges = bed.Services.GetRequiredService<DispatchQueueGauges>();

        var plan = await bed.Sweep.PlanAsync(Ct);
        await gauges.RefreshAsync(Ct);
        capture.Flush(bed.Services);

        Assert.Equal(1, plan.Messages);
        Assert.Equal(1, capture.HistogramCount("reminders.sweep.duration", (RemindersTelemetry.Tags.SweepKind, "plan")));
        var queueName = (RemindersTelemetry.Tags.Queue, (object)queue.Queue.Name);
        Assert.Equal(1, Assert.Single(capture.Points("reminders.dispatch.queue.length", queueName)).GetGaugeLastValueLong());
        Assert.True(Assert.Single(capture.Points("reminders.dispatch.queue.oldest_age", queueName)).GetGaugeLastValueDouble() >= 0);

        var message = (await queue.Queue.ReceiveMessageAsync(cancellationToken: Ct)).Value;
        var dispatched = await bed.Services.GetRequiredService<DispatchHandler>().HandleAsync(message.Body.ToString(), Ct);
        await queue.Queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, Ct);
        await gauges.RefreshAsync(Ct);
        capture.Flush(bed.Services);

        Assert.Equal((3, 1), (dispatched.Sent, dispatched.Skipped));
        Assert.Equal(1, capture.HistogramCount("reminders.sweep.duration", (RemindersTelemetry.Tags.SweepKind, "dispatch")));
        Assert.Equal(3, capture.Sum("reminders.email.sends", (RemindersTelemetry.Tags.Result, "Accepted")));
        Assert.Equal(0, Assert.Single(capture.Points("reminders.dispatch.queue.length", queueName)).GetGaugeLastValueLong());
        Assert.Equal(0, Assert.Single(capture.Points("reminders.dispatch.queue.oldest_age", queueName)).GetGaugeLastValueDouble());
        Assert.Contains(capture.Spans, s => s.OperationName == "reminders.plan");
        Assert.Contains(capture.Spans, s => s.OperationName == "reminders.dispatch" && (int?)s.GetTagItem("reminders.items") == 4);
    }

    [Fact]
    public async Task Another_service_providers_meter_does_not_count_into_this_ones_metrics()
    {
        var capture = new TelemetryCapture();
        await using var bed = Bed(azurite, capture);
        TelemetryCapture.Start(bed.Services);
        await using var other = Bed(azurite, new TelemetryCapture());
        await ThreeDueAndOneSupersededAsync(other);

        await other.SweepAsync();
        capture.Flush(bed.Services);

        Assert.Equal(0, capture.Sum("reminders.settled"));
    }

    [Theory]
    [InlineData("Superseded", "Superseded")]
    [InlineData(null, "None")]
    [InlineData("550 5.1.1 <ana@example.com>: Recipient address rejected", "Other")]
    public void A_reason_tag_is_a_code_or_Other(string? code, string tag) => Assert.Equal(tag, RemindersTelemetry.Code(code));
}
