using Reminders.Plan;
using Reminders.Tests.Infrastructure;
using static Reminders.Tests.Sweep.SweepTestBed;

namespace Reminders.Tests.Sweep;

/// <summary>A sweep sends everything due up to today, and expires what is too late to be useful.</summary>
public sealed class CatchUpAndExpiryTests(Azurite azurite)
{
    [Fact]
    public async Task A_sweep_sends_every_overdue_reminder_not_only_todays()
    {
        await using var bed = Create(azurite);
        var clinic = await bed.AddClinicAsync("c1");
        var today = await bed.RegisterAsync(clinic, "p-today", bed.InjectionWithReminderDaysAgo(clinic, 0));
        var threeDays = await bed.RegisterAsync(clinic, "p-3", bed.InjectionWithReminderDaysAgo(clinic, 3));
        var twentyDays = await bed.RegisterAsync(clinic, "p-20", bed.InjectionWithReminderDaysAgo(clinic, 20)); // relief ended 6 days ago
        var tomorrow = await bed.RegisterAsync(clinic, "p-tomorrow", bed.InjectionWithReminderDaysAgo(clinic, -1));

        var sweep = await bed.SweepAsync();

        AssertCounts(sweep, sent: 3);
        foreach (var (patient, reminder) in new[] { ("p-today", today), ("p-3", threeDays), ("p-20", twentyDays) })
        {
            var session = await bed.SessionAsync("c1", patient);
            Assert.Equal(ReminderStatus.Sent, session.Status);
            Assert.Equal(bed.Time.GetUtcNow(), session.SentAt);
            Assert.Equal($"{reminder.ReminderId}@clinic.test", session.MessageId);
            Assert.True(File.Exists(bed.OutboxFileFor(reminder.ReminderId)), $"no outbox file for {patient}");
        }
        Assert.Equal(3, bed.OutboxFiles().Length);
        Assert.Equal(ReminderStatus.Pending, (await bed.SessionAsync("c1", "p-tomorrow")).Status);
        Assert.Equal(tomorrow.ReminderId, Assert.Single(await bed.DueRowsAsync()).ReminderId);

        // Repeating the sweep sends nothing more; tomorrow's goes out tomorrow.
        AssertCounts(await bed.SweepAsync());
        Assert.Equal(3, bed.Sends.Total);
        bed.Time.Advance(TimeSpan.FromDays(1));
        AssertCounts(await bed.SweepAsync(), sent: 1);
        Assert.Equal(1, bed.Sends.CallsFor(tomorrow.ReminderId));
        Assert.Empty(await bed.DueRowsAsync());
    }

    [Fact]
    public async Task Relief_that_ended_seven_days_ago_is_still_sent_eight_days_ago_expires()
    {
        await using var bed = Create(azurite);
        var clinic = await bed.AddClinicAsync("c1");
        var sixDays = await bed.RegisterAsync(clinic, "p-six", bed.InjectionWithReliefEndedDaysAgo(clinic, 6));
        var sevenDays = await bed.RegisterAsync(clinic, "p-seven", bed.InjectionWithReliefEndedDaysAgo(clinic, 7));
        Assert.Equal(ReminderStatus.Pending, sixDays.Status);
        Assert.Equal(ReminderStatus.Pending, sevenDays.Status);

        // A day later (no sweep ran meanwhile): one ended 7 days ago, the other 8.
        bed.Time.Advance(TimeSpan.FromDays(1));
        var sweep = await bed.SweepAsync();

        AssertCounts(sweep, sent: 1, expired: 1);
        Assert.Equal(ReminderStatus.Sent, (await bed.SessionAsync("c1", "p-six")).Status);
        var expired = await bed.SessionAsync("c1", "p-seven");
        Assert.Equal(ReminderStatus.Expired, expired.Status);
        Assert.Equal("ReliefEnded", expired.Reason);
        Assert.Contains(sevenDays.ReliefEndsOn.ToString("yyyy-MM-dd"), expired.Detail);
        Assert.Equal(0, bed.Sends.CallsFor(sevenDays.ReminderId));
        Assert.Single(bed.OutboxFiles());
        Assert.Empty(await bed.DueRowsAsync());

        // The expiry belongs to the run that made it.
        AssertCounts(await bed.SweepAsync());
    }

    [Fact]
    public async Task A_backfilled_old_session_is_expired_at_registration_and_never_enters_the_due_index()
    {
        await using var bed = Create(azurite);
        var clinic = await bed.AddClinicAsync("c1");

        var old = await bed.RegisterAsync(clinic, "p-old", bed.Today(clinic).AddDays(-200));
        var justTooLate = await bed.RegisterAsync(clinic, "p-eight", bed.InjectionWithReliefEndedDaysAgo(clinic, 8));
        var stillInTime = await bed.RegisterAsync(clinic, "p-seven", bed.InjectionWithReliefEndedDaysAgo(clinic, 7));

        foreach (var session in new[] { old, justTooLate })
        {
            Assert.Equal(ReminderStatus.Expired, session.Status);
            Assert.Equal("ReliefEnded", session.Reason);
            Assert.Contains(session.ReliefEndsOn.ToString("yyyy-MM-dd"), session.Detail);
        }
        Assert.Equal(ReminderStatus.Pending, stillInTime.Status);
        Assert.Equal(stillInTime.ReminderId, Assert.Single(await bed.DueRowsAsync()).ReminderId);

        // Registration expired them, not the sweep: the sweep only sends the one still in time.
        AssertCounts(await bed.SweepAsync(), sent: 1);
        Assert.Equal(ReminderStatus.Expired, (await bed.SessionAsync("c1", "p-old")).Status);
        Assert.Equal(0, bed.Sends.CallsFor(old.ReminderId) + bed.Sends.CallsFor(justTooLate.ReminderId));
    }
}
