using Reminders.Patients;
using Reminders.Plan;
using Reminders.Tests.Infrastructure;
using static Reminders.Tests.Sweep.SweepTestBed;

namespace Reminders.Tests.Sweep;

/// <summary>Eligibility is checked again when a reminder is due: later sessions, cancellations and erasure.</summary>
public sealed class SupersedeAndCancelTests(Azurite azurite)
{
    [Fact]
    public async Task A_later_session_supersedes_the_older_sessions_reminder_at_send_time()
    {
        await using var bed = Create(azurite);
        var clinic = await bed.AddClinicAsync("c1");
        var older = await bed.RegisterAsync(clinic, "p1", bed.InjectionWithReminderDaysAgo(clinic, 2), sessionId: "s1");
        var later = await bed.RegisterAsync(clinic, "p1", bed.Today(clinic).AddDays(-3), sessionId: "s2");
        Assert.Equal(ReminderStatus.Pending, (await bed.SessionAsync("c1", "p1", "s1")).Status); // decided when due, not at registration

        var sweep = await bed.SweepAsync();

        AssertCounts(sweep, skipped: 1);
        var s1 = await bed.SessionAsync("c1", "p1", "s1");
        Assert.Equal(ReminderStatus.Skipped, s1.Status);
        Assert.Equal(SkipReason.Superseded, s1.Reason);
        Assert.Contains("s2", s1.Detail);
        Assert.Equal(ReminderStatus.Pending, (await bed.SessionAsync("c1", "p1", "s2")).Status);
        Assert.Equal(later.ReminderId, Assert.Single(await bed.DueRowsAsync()).ReminderId);
        Assert.Equal(0, bed.Sends.CallsFor(older.ReminderId));
        Assert.Empty(bed.OutboxFiles());
        AssertCounts(await bed.SweepAsync());

        // Posting the older session again, unchanged, leaves its decided reminder alone.
        var reposted = await bed.RegisterAsync(clinic, "p1", s1.InjectionDate, sessionId: "s1");
        Assert.Equal((ReminderStatus.Skipped, SkipReason.Superseded, older.ReminderId), (reposted.Status, reposted.Reason, reposted.ReminderId));
        Assert.Equal(later.ReminderId, Assert.Single(await bed.DueRowsAsync()).ReminderId);
    }

    [Fact]
    public async Task An_earlier_session_registered_later_does_not_supersede()
    {
        await using var bed = Create(azurite);
        var clinic = await bed.AddClinicAsync("c1");
        var injection = bed.InjectionWithReminderDaysAgo(clinic, 1);
        await bed.RegisterAsync(clinic, "p1", injection, sessionId: "s1");
        await bed.RegisterAsync(clinic, "p1", injection.AddDays(-30), sessionId: "s0"); // back-filled, older: expired at registration

        AssertCounts(await bed.SweepAsync(), sent: 1);
        Assert.Equal(ReminderStatus.Sent, (await bed.SessionAsync("c1", "p1", "s1")).Status);
    }

    [Fact]
    public async Task A_cancelled_later_session_does_not_supersede()
    {
        await using var bed = Create(azurite);
        var clinic = await bed.AddClinicAsync("c1");
        var older = await bed.RegisterAsync(clinic, "p1", bed.InjectionWithReminderDaysAgo(clinic, 2), sessionId: "s1");
        await bed.RegisterAsync(clinic, "p1", bed.Today(clinic).AddDays(-3), sessionId: "s2");
        Assert.True(await bed.Patients.CancelSessionAsync("c1", "p1", "s2", Ct));

        AssertCounts(await bed.SweepAsync(), sent: 1);

        Assert.Equal(ReminderStatus.Sent, (await bed.SessionAsync("c1", "p1", "s1")).Status);
        var s2 = await bed.SessionAsync("c1", "p1", "s2");
        Assert.True(s2.Cancelled);
        Assert.Equal((ReminderStatus.Skipped, SkipReason.Cancelled), (s2.Status, s2.Reason));
        Assert.Equal(1, bed.Sends.CallsFor(older.ReminderId));
    }

    [Fact]
    public async Task A_cancelled_session_gets_nothing_and_reposting_revives_it()
    {
        await using var bed = Create(azurite);
        var clinic = await bed.AddClinicAsync("c1");
        var injection = bed.InjectionWithReminderDaysAgo(clinic, 1);
        var original = await bed.RegisterAsync(clinic, "p1", injection, sessionId: "s1");
        await bed.Patients.CancelSessionAsync("c1", "p1", "s1", Ct);

        AssertCounts(await bed.SweepAsync());
        var cancelled = await bed.SessionAsync("c1", "p1", "s1");
        Assert.Equal((ReminderStatus.Skipped, SkipReason.Cancelled), (cancelled.Status, cancelled.Reason));
        Assert.False(string.IsNullOrWhiteSpace(cancelled.Detail));
        Assert.Empty(await bed.DueRowsAsync());
        Assert.Equal(0, bed.Sends.Total);

        var revived = await bed.RegisterAsync(clinic, "p1", injection, sessionId: "s1");

        Assert.Equal(ReminderStatus.Pending, revived.Status);
        Assert.False(revived.Cancelled);
        Assert.Equal(original.ReminderId, revived.ReminderId);
        AssertCounts(await bed.SweepAsync(), sent: 1);
        Assert.Equal(ReminderStatus.Sent, (await bed.SessionAsync("c1", "p1", "s1")).Status);
    }

    [Fact]
    public async Task Reposting_a_cancelled_later_session_makes_it_supersede_again()
    {
        await using var bed = Create(azurite);
        var clinic = await bed.AddClinicAsync("c1");
        await bed.RegisterAsync(clinic, "p1", bed.InjectionWithReminderDaysAgo(clinic, 2), sessionId: "s1");
        var laterDate = bed.Today(clinic).AddDays(-3);
        await bed.RegisterAsync(clinic, "p1", laterDate, sessionId: "s2");
        await bed.Patients.CancelSessionAsync("c1", "p1", "s2", Ct);

        await bed.RegisterAsync(clinic, "p1", laterDate, sessionId: "s2");
        var sweep = await bed.SweepAsync();

        AssertCounts(sweep, skipped: 1);
        var s1 = await bed.SessionAsync("c1", "p1", "s1");
        Assert.Equal((ReminderStatus.Skipped, SkipReason.Superseded), (s1.Status, s1.Reason));
        Assert.Equal(0, bed.Sends.Total);
    }

    [Fact]
    public async Task An_erased_patient_gets_nothing()
    {
        await using var bed = Create(azurite);
        var clinic = await bed.AddClinicAsync("c1");
        await bed.RegisterAsync(clinic, "p1", bed.InjectionWithReminderDaysAgo(clinic, 1), sessionId: "s1");
        await bed.RegisterAsync(clinic, "p1", bed.Today(clinic).AddDays(-2), sessionId: "s2");
        var other = await bed.RegisterAsync(clinic, "p2", bed.InjectionWithReminderDaysAgo(clinic, 1));

        Assert.True(await bed.Patients.EraseAsync("c1", "p1", Ct));
        var sweep = await bed.SweepAsync();

        AssertCounts(sweep, sent: 1);
        Assert.Null(await bed.Patients.FindAsync("c1", "p1", Ct));
        Assert.Equal(other.ReminderId, Assert.Single(bed.Sends.Messages).ReminderId);
        Assert.Equal("p2@example.com", Assert.Single(Outbox.Messages(bed.OutboxPath)).To.Mailboxes.Single().Address);
        Assert.DoesNotContain(await bed.DueRowsAsync(), d => d.PatientId == "p1");
    }

    [Fact]
    public async Task A_patient_erased_while_the_sweep_runs_gets_nothing()
    {
        SweepTestBed bed = null!;
        // One at a time, so the next patient's reminder is not already being sent when the erasure comes.
        bed = Create(azurite, settings: new Dictionary<string, string?> { ["Reminders:SendParallelism"] = "1" }, send: async call =>
        {
            // While the first reminder is being sent, the clinic erases the next patient.
            if (call.Number == 1) Assert.True(await bed.Patients.EraseAsync("c1", "p2", Ct));
            return await call.SendForReal();
        });
        await using var _ = bed;
        var clinic = await bed.AddClinicAsync("c1");
        var first = await bed.RegisterAsync(clinic, "p1", bed.InjectionWithReminderDaysAgo(clinic, 1));
        await bed.RegisterAsync(clinic, "p2", bed.InjectionWithReminderDaysAgo(clinic, 1));

        var sweep = await bed.SweepAsync();

        AssertCounts(sweep, sent: 1);
        Assert.Equal(first.ReminderId, Assert.Single(bed.Sends.Messages).ReminderId);
        Assert.Null(await bed.Patients.FindAsync("c1", "p2", Ct));
        Assert.Empty(await bed.DueRowsAsync());
    }

    [Fact]
    public async Task A_session_without_a_patient_row_from_before_the_aggregate_gets_nothing_and_the_due_row_is_dropped()
    {
        await using var bed = Create(azurite);
        var clinic = await bed.AddClinicAsync("c1");
        var session = await bed.RegisterAsync(clinic, "p1", bed.InjectionWithReminderDaysAgo(clinic, 1));
        // Erasure now takes patient and sessions in one transaction; older code could leave sessions without their patient.
        await bed.Tables.Patients.DeleteEntityAsync("c1", PatientEntity.RowFor("p1"), Azure.ETag.All, Ct);

        var sweep = await bed.SweepAsync();

        AssertCounts(sweep);
        Assert.Equal(0, bed.Sends.CallsFor(session.ReminderId));
        // A young row may belong to a registration between its writes: it is kept until it is older than a lease.
        Assert.Single(await bed.DueRowsAsync());
        bed.Time.Advance(TimeSpan.FromMinutes(11));
        AssertCounts(await bed.SweepAsync());
        Assert.Empty(await bed.DueRowsAsync());
        Assert.Empty(bed.OutboxFiles());
    }
}
