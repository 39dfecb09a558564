using Reminders.Email;
using Reminders.Plan;
using Reminders.Tests.Infrastructure;
using static Reminders.Tests.Sweep.SweepTestBed;

namespace Reminders.Tests.Sweep;

/// <summary>What each email outcome does to a reminder, and the switches that hold sending back.</summary>
public sealed class SendOutcomeTests(Azurite azurite)
{
    private static Task<EmailSendResult> Result(EmailSendOutcome outcome, string? code = null, string? error = null) =>
        Task.FromResult(new EmailSendResult(outcome, ErrorCode: code, Error: error));

    [Fact]
    public async Task Accepted_records_sent_with_the_time_and_the_providers_message_id()
    {
        var time = TestClock.New();
        await using var bed = Create(azurite, time, send: async call =>
        {
            time.Advance(TimeSpan.FromSeconds(3));
            await Task.Yield();
            return EmailSendResult.Accepted("provider-" + call.Message.ReminderId.ToString("N")[..8]);
        });
        var clinic = await bed.AddClinicAsync("c1");
        var session = await bed.RegisterAsync(clinic, "p1", bed.InjectionWithReminderDaysAgo(clinic, 0), firstName: "Ana");
        var before = bed.Time.GetUtcNow();

        AssertCounts(await bed.SweepAsync(), sent: 1);

        var sent = await bed.SessionAsync("c1", "p1");
        Assert.Equal(ReminderStatus.Sent, sent.Status);
        Assert.Null(sent.Reason);
        Assert.Equal("provider-" + session.ReminderId.ToString("N")[..8], sent.MessageId);
        Assert.Equal(before + TimeSpan.FromSeconds(3), sent.SentAt); // when the provider answered
        Assert.False(string.IsNullOrWhiteSpace(sent.Detail));
        var message = Assert.Single(bed.Sends.Messages);
        Assert.Equal(("p1@example.com", "Ana", session.ReminderId), (message.To, message.ToName, message.ReminderId));
        Assert.Empty(await bed.DueRowsAsync());
    }

    [Fact]
    public async Task Transient_keeps_the_reminder_pending_counts_it_deferred_and_the_next_run_sends_it()
    {
        var transient = true;
        await using var bed = Create(azurite, send: call =>
            transient ? Result(EmailSendOutcome.Transient, "Throttled", "Too many requests") : call.SendForReal());
        var clinic = await bed.AddClinicAsync("c1");
        var session = await bed.RegisterAsync(clinic, "p1", bed.InjectionWithReminderDaysAgo(clinic, 0));

        AssertCounts(await bed.SweepAsync(), deferred: 1);

        var pending = await bed.SessionAsync("c1", "p1");
        Assert.Equal(ReminderStatus.Pending, pending.Status);
        Assert.Contains("Throttled", pending.Detail);
        Assert.Single(await bed.DueRowsAsync());
        Assert.Empty(bed.OutboxFiles());

        // The claim was released: the very next run may send it, without waiting for a lease.
        transient = false;
        AssertCounts(await bed.SweepAsync(), sent: 1);
        Assert.Equal(2, bed.Sends.CallsFor(session.ReminderId));
        Assert.Equal(ReminderStatus.Sent, (await bed.SessionAsync("c1", "p1")).Status);
    }

    [Fact]
    public async Task Rejected_marks_the_reminder_failed_with_the_error_and_it_is_not_retried()
    {
        await using var bed = Create(azurite, send: call =>
            call.Message.To == "bad@example.com" ? Result(EmailSendOutcome.Rejected, "InvalidRecipient", "Mailbox does not exist") : call.SendForReal());
        var clinic = await bed.AddClinicAsync("c1");
        var bad = await bed.RegisterAsync(clinic, "p1", bed.InjectionWithReminderDaysAgo(clinic, 0), email: "bad@example.com");
        await bed.RegisterAsync(clinic, "p2", bed.InjectionWithReminderDaysAgo(clinic, 0));

        AssertCounts(await bed.SweepAsync(), sent: 1, failed: 1);

        var failed = await bed.SessionAsync("c1", "p1");
        Assert.Equal((ReminderStatus.Failed, "InvalidRecipient", "Mailbox does not exist"), (failed.Status, failed.Reason, failed.Detail));
        Assert.Null(failed.SentAt);
        Assert.Empty(await bed.DueRowsAsync());
        AssertCounts(await bed.SweepAsync());
        Assert.Equal(1, bed.Sends.CallsFor(bad.ReminderId));
    }

    [Fact]
    public async Task A_rejection_without_a_message_still_records_why_it_failed()
    {
        await using var bed = Create(azurite, send: _ => Result(EmailSendOutcome.Rejected));
        var clinic = await bed.AddClinicAsync("c1");
        await bed.RegisterAsync(clinic, "p1", bed.InjectionWithReminderDaysAgo(clinic, 0));

        AssertCounts(await bed.SweepAsync(), failed: 1);

        var failed = await bed.SessionAsync("c1", "p1");
        Assert.Equal(ReminderStatus.Failed, failed.Status);
        Assert.False(string.IsNullOrWhiteSpace(failed.Reason));
        Assert.False(string.IsNullOrWhiteSpace(failed.Detail), "a failed reminder must say why");
    }

    [Fact]
    public async Task Misconfigured_stops_sending_for_the_rest_of_the_run_and_everything_stays_pending()
    {
        var misconfigured = true;
        // One at a time: with several in flight, each of those would get the same refusal (and send nothing either).
        await using var bed = Create(azurite, settings: new Dictionary<string, string?> { ["Reminders:SendParallelism"] = "1" }, send: call =>
            misconfigured ? Result(EmailSendOutcome.Misconfigured, "AuthenticationFailed", "Invalid access key") : call.SendForReal());
        var clinic = await bed.AddClinicAsync("c1");
        for (var i = 0; i < 4; i++)
            await bed.RegisterAsync(clinic, $"p{i}", bed.InjectionWithReminderDaysAgo(clinic, i));
        // Also one that would be skipped: it waits too, as everything left does.
        await bed.RegisterAsync(clinic, "p9", bed.InjectionWithReminderDaysAgo(clinic, 0), sessionId: "old");
        await bed.RegisterAsync(clinic, "p9", bed.Today(clinic).AddDays(-1), sessionId: "new");

        AssertCounts(await bed.SweepAsync(), deferred: 5);

        Assert.Equal(1, bed.Sends.Total);
        var tried = bed.Sends.Messages[0].ReminderId;
        for (var i = 0; i < 4; i++)
        {
            var session = await bed.SessionAsync("c1", $"p{i}");
            Assert.Equal(ReminderStatus.Pending, session.Status);
            if (session.ReminderId == tried) Assert.Contains("AuthenticationFailed", session.Detail);
        }
        Assert.Equal(ReminderStatus.Pending, (await bed.SessionAsync("c1", "p9", "old")).Status);
        Assert.Equal(6, (await bed.DueRowsAsync()).Count); // the five due now, and p9's new session's for later
        Assert.Empty(bed.OutboxFiles());

        // Fixed: the next run (no lease to wait for) sends them all.
        misconfigured = false;
        AssertCounts(await bed.SweepAsync(), sent: 4, skipped: 1);
        Assert.Equal(2, bed.Sends.CallsFor(tried));
        Assert.Equal(4, bed.OutboxFiles().Length);
    }

    [Fact]
    public async Task An_unwritable_outbox_is_misconfiguration_and_nothing_is_lost()
    {
        var settings = new TestSettings(azurite.ConnectionString);
        var notAFolder = Path.Combine(settings.OutboxPath, "occupied");
        await File.WriteAllTextAsync(notAFolder, "a file where the outbox folder should be", Ct);
        // The sender AddReminders registers itself, with no fake in between.
        await using var broken = Create(azurite, settings: new Dictionary<string, string?>
        {
            ["Reminders:TablePrefix"] = settings.TablePrefix,
            ["Email:OutboxPath"] = notAFolder,
        }, substituteSender: false);
        Assert.IsType<OutboxEmailSender>(broken.Sender);
        var clinic = await broken.AddClinicAsync("c1");
        await broken.RegisterAsync(clinic, "p1", broken.InjectionWithReminderDaysAgo(clinic, 0));
        await broken.RegisterAsync(clinic, "p2", broken.InjectionWithReminderDaysAgo(clinic, 0));

        AssertCounts(await broken.SweepAsync(), deferred: 2);
        var first = await broken.SessionAsync("c1", "p1");
        Assert.Equal(ReminderStatus.Pending, first.Status);
        Assert.Contains("OutboxUnwritable", first.Detail);
        Assert.Equal(ReminderStatus.Pending, (await broken.SessionAsync("c1", "p2")).Status);

        // The operator points the outbox somewhere writable.
        await using var fixedBed = Create(azurite, broken.Time, new Dictionary<string, string?>
        {
            ["Reminders:TablePrefix"] = settings.TablePrefix,
            ["Email:OutboxPath"] = settings.OutboxPath,
        });
        AssertCounts(await fixedBed.SweepAsync(), sent: 2);
        Assert.Equal(2, Outbox.Files(settings.OutboxPath).Length);
        Directory.Delete(settings.OutboxPath, recursive: true);
    }

    [Fact]
    public async Task With_sending_disabled_nothing_is_sent_but_skips_and_expiries_are_recorded()
    {
        await using var bed = Create(azurite, settings: new Dictionary<string, string?> { ["Reminders:SendingEnabled"] = "false" });
        var clinic = await bed.AddClinicAsync("c1");
        var due = await bed.RegisterAsync(clinic, "p-due", bed.InjectionWithReminderDaysAgo(clinic, 1));
        await bed.RegisterAsync(clinic, "p-superseded", bed.InjectionWithReminderDaysAgo(clinic, 1), sessionId: "old");
        await bed.RegisterAsync(clinic, "p-superseded", bed.Today(clinic).AddDays(-1), sessionId: "new");
        await bed.RegisterAsync(clinic, "p-expiring", bed.InjectionWithReliefEndedDaysAgo(clinic, 7));
        bed.Time.Advance(TimeSpan.FromDays(1));

        AssertCounts(await bed.SweepAsync(), skipped: 1, expired: 1, deferred: 1);
        AssertCounts(await bed.SweepAsync(), deferred: 1);

        Assert.Equal(0, bed.Sends.Total);
        Assert.Empty(bed.OutboxFiles());
        Assert.Equal(ReminderStatus.Pending, (await bed.SessionAsync("c1", "p-due")).Status);
        Assert.Equal(SkipReason.Superseded, (await bed.SessionAsync("c1", "p-superseded", "old")).Reason);
        Assert.Equal(ReminderStatus.Expired, (await bed.SessionAsync("c1", "p-expiring")).Status);

        // Switched on again, the pending one goes out.
        await using var enabled = bed.Twin(new Dictionary<string, string?> { ["Reminders:SendingEnabled"] = "true" });
        AssertCounts(await enabled.SweepAsync(), sent: 1);
        Assert.Equal(1, bed.Sends.CallsFor(due.ReminderId));
    }

    [Fact]
    public async Task When_the_time_budget_runs_out_the_rest_is_deferred_to_the_next_run()
    {
        var time = TestClock.New();
        await using var bed = Create(azurite, time,
            // One at a time, so the clock (a minute per email) is what ends the run.
            settings: new Dictionary<string, string?> { ["Reminders:SweepTimeBudget"] = "00:02:30", ["Reminders:SendParallelism"] = "1" },
            send: call =>
            {
                time.Advance(TimeSpan.FromMinutes(1)); // each email takes a minute
                return call.SendForReal();
            });
        var clinic = await bed.AddClinicAsync("c1");
        for (var i = 0; i < 5; i++)
            await bed.RegisterAsync(clinic, $"p{i}", bed.InjectionWithReminderDaysAgo(clinic, 1));

        var first = await bed.SweepAsync();

        AssertCounts(first, sent: 3, deferred: 2);
        Assert.Equal(3, bed.Sends.Total);
        Assert.Equal(2, (await bed.DueRowsAsync()).Count);
        var statuses = new List<string>();
        for (var i = 0; i < 5; i++) statuses.Add((await bed.SessionAsync("c1", $"p{i}")).Status);
        Assert.Equal(3, statuses.Count(s => s == ReminderStatus.Sent));
        Assert.Equal(2, statuses.Count(s => s == ReminderStatus.Pending));

        var second = await bed.SweepAsync();

        AssertCounts(second, sent: 2);
        Assert.Equal(5, bed.Sends.CallsPerReminder.Count);
        Assert.All(bed.Sends.CallsPerReminder.Values, n => Assert.Equal(1, n));
        Assert.Empty(await bed.DueRowsAsync());
    }
}
