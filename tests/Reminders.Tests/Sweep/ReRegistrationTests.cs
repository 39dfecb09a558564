using Reminders.Email;
using Reminders.Plan;
using Reminders.Tests.Infrastructure;
using static Reminders.Tests.Sweep.SweepTestBed;

namespace Reminders.Tests.Sweep;

/// <summary>Posting a session again: unchanged leaves the reminder alone, new dates recompute it, a new address retries a failure.</summary>
public sealed class ReRegistrationTests(Azurite azurite)
{
    [Fact]
    public async Task Reposting_unchanged_leaves_a_pending_reminder_alone()
    {
        await using var bed = Create(azurite);
        var clinic = await bed.AddClinicAsync("c1");
        var injection = bed.InjectionWithReminderDaysAgo(clinic, -5);
        var first = await bed.RegisterAsync(clinic, "p1", injection, sessionId: "visit-1");
        bed.Time.Advance(TimeSpan.FromDays(2));

        var again = await bed.RegisterAsync(clinic, "p1", injection, sessionId: "visit-1", firstName: "Ana");

        Assert.Equal((first.ReminderId, first.ReminderDate, first.ReliefEndsOn, ReminderStatus.Pending, first.Detail),
            (again.ReminderId, again.ReminderDate, again.ReliefEndsOn, again.Status, again.Detail));
        var row = Assert.Single(await bed.DueRowsAsync());
        Assert.Equal((first.ReminderId, first.ReminderDate.ToString("yyyy-MM-dd")), (row.ReminderId, row.ReminderDate));
    }

    [Fact]
    public async Task Reposting_unchanged_after_the_reminder_was_sent_sends_nothing_more()
    {
        await using var bed = Create(azurite);
        var clinic = await bed.AddClinicAsync("c1");
        var injection = bed.InjectionWithReminderDaysAgo(clinic, 1);
        var first = await bed.RegisterAsync(clinic, "p1", injection);
        AssertCounts(await bed.SweepAsync(), sent: 1);
        var sent = await bed.SessionAsync("c1", "p1");

        var again = await bed.RegisterAsync(clinic, "p1", injection);

        Assert.Equal((first.ReminderId, ReminderStatus.Sent, sent.SentAt, sent.MessageId), (again.ReminderId, again.Status, again.SentAt, again.MessageId));
        Assert.Empty(await bed.DueRowsAsync());
        AssertCounts(await bed.SweepAsync());
        Assert.Equal(1, bed.Sends.Total);
    }

    [Fact]
    public async Task A_changed_injection_date_recomputes_the_reminder_and_moves_its_due_row()
    {
        await using var bed = Create(azurite);
        var clinic = await bed.AddClinicAsync("c1");
        var first = await bed.RegisterAsync(clinic, "p1", bed.Today(clinic).AddDays(-10), sessionId: "visit-1");
        var corrected = bed.Today(clinic).AddDays(-5);

        var again = await bed.RegisterAsync(clinic, "p1", corrected, sessionId: "visit-1");

        Assert.NotEqual(first.ReminderId, again.ReminderId);
        Assert.Equal((corrected.AddDays(90), corrected.AddDays(76), ReminderStatus.Pending), (again.ReliefEndsOn, again.ReminderDate, again.Status));
        var row = Assert.Single(await bed.DueRowsAsync());
        Assert.Equal((again.ReminderId, again.ReminderDate.ToString("yyyy-MM-dd")), (row.ReminderId, row.ReminderDate));
        Assert.Equal(again.ReminderId, (await bed.SessionAsync("c1", "p1")).ReminderId);
    }

    [Fact]
    public async Task Changed_relief_days_recompute_the_reminder()
    {
        await using var bed = Create(azurite);
        var clinic = await bed.AddClinicAsync("c1");
        var injection = bed.Today(clinic).AddDays(-10);
        var first = await bed.RegisterAsync(clinic, "p1", injection, sessionId: "visit-1");

        var again = await bed.RegisterAsync(clinic, "p1", injection, sessionId: "visit-1", reliefDays: 120);

        Assert.NotEqual(first.ReminderId, again.ReminderId);
        Assert.Equal((injection.AddDays(120), injection.AddDays(106)), (again.ReliefEndsOn, again.ReminderDate));
        var row = Assert.Single(await bed.DueRowsAsync());
        Assert.Equal((again.ReminderId, again.ReminderDate.ToString("yyyy-MM-dd")), (row.ReminderId, row.ReminderDate));
    }

    [Fact]
    public async Task Redating_a_due_reminder_into_the_future_keeps_it_from_being_sent_now()
    {
        await using var bed = Create(azurite);
        var clinic = await bed.AddClinicAsync("c1");
        var first = await bed.RegisterAsync(clinic, "p1", bed.InjectionWithReminderDaysAgo(clinic, 1), sessionId: "visit-1");

        var again = await bed.RegisterAsync(clinic, "p1", bed.InjectionWithReminderDaysAgo(clinic, -3), sessionId: "visit-1");
        AssertCounts(await bed.SweepAsync());

        Assert.Equal(0, bed.Sends.Total);
        bed.Time.Advance(TimeSpan.FromDays(3));
        AssertCounts(await bed.SweepAsync(), sent: 1);
        Assert.Equal((0, 1), (bed.Sends.CallsFor(first.ReminderId), bed.Sends.CallsFor(again.ReminderId)));
    }

    [Fact]
    public async Task A_changed_email_requeues_a_failed_reminder_and_it_goes_to_the_new_address()
    {
        await using var bed = Create(azurite, send: call =>
            call.Message.To.Equals("old@example.com", StringComparison.OrdinalIgnoreCase)
                ? Task.FromResult(new EmailSendResult(EmailSendOutcome.Rejected, ErrorCode: "InvalidRecipient", Error: "Mailbox does not exist"))
                : call.SendForReal());
        var clinic = await bed.AddClinicAsync("c1");
        var injection = bed.InjectionWithReminderDaysAgo(clinic, 1);
        var first = await bed.RegisterAsync(clinic, "p1", injection, email: "old@example.com");
        AssertCounts(await bed.SweepAsync(), failed: 1);

        // The same address (even differently cased) does not retry.
        var same = await bed.RegisterAsync(clinic, "p1", injection, email: "OLD@example.com");
        Assert.Equal((ReminderStatus.Failed, "InvalidRecipient"), (same.Status, same.Reason));
        Assert.Empty(await bed.DueRowsAsync());
        AssertCounts(await bed.SweepAsync());

        var requeued = await bed.RegisterAsync(clinic, "p1", injection, email: "new@example.com");

        Assert.Equal(ReminderStatus.Pending, requeued.Status);
        Assert.Null(requeued.Reason);
        // A new email to a new address: its own identity (ledger entry, Message-ID), so the old failure cannot answer for it.
        Assert.NotEqual(first.ReminderId, requeued.ReminderId);
        Assert.Equal(requeued.ReminderId, Assert.Single(await bed.DueRowsAsync()).ReminderId);
        AssertCounts(await bed.SweepAsync(), sent: 1);
        Assert.Equal(ReminderStatus.Sent, (await bed.SessionAsync("c1", "p1")).Status);
        Assert.Equal("new@example.com", Assert.Single(Outbox.Messages(bed.OutboxPath)).To.Mailboxes.Single().Address);
    }

    [Fact]
    public async Task A_changed_email_does_not_resend_a_sent_reminder()
    {
        await using var bed = Create(azurite);
        var clinic = await bed.AddClinicAsync("c1");
        var injection = bed.InjectionWithReminderDaysAgo(clinic, 1);
        await bed.RegisterAsync(clinic, "p1", injection, email: "old@example.com");
        AssertCounts(await bed.SweepAsync(), sent: 1);

        var again = await bed.RegisterAsync(clinic, "p1", injection, email: "new@example.com");

        Assert.Equal(ReminderStatus.Sent, again.Status);
        Assert.Empty(await bed.DueRowsAsync());
        AssertCounts(await bed.SweepAsync());
        Assert.Equal(1, bed.Sends.Total);
    }

    [Fact]
    public async Task A_new_email_on_a_pending_reminder_is_used_when_it_is_sent()
    {
        await using var bed = Create(azurite);
        var clinic = await bed.AddClinicAsync("c1");
        var injection = bed.InjectionWithReminderDaysAgo(clinic, 1);
        var first = await bed.RegisterAsync(clinic, "p1", injection, email: "old@example.com");

        var again = await bed.RegisterAsync(clinic, "p1", injection, email: "new@example.com");
        AssertCounts(await bed.SweepAsync(), sent: 1);

        Assert.Equal(first.ReminderId, again.ReminderId);
        Assert.Equal("new@example.com", Assert.Single(bed.Sends.Messages).To);
    }
}
