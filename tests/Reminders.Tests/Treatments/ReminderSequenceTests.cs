using Microsoft.Extensions.DependencyInjection;
using Reminders.Clinics;
using Reminders.Plan;
using Reminders.Sessions;
using Reminders.Tests.Infrastructure;
using Reminders.Treatments;
using Reminders.Unsubscribe;
using static Reminders.Tests.Sweep.SweepTestBed;

namespace Reminders.Tests.Treatments;

/// <summary>
/// Reminder sequences, on Azurite with a fake clock: a treatment's steps (default two weeks before relief ends and a
/// week after), each its own reminder with its own identity and outcome; a later step only while nothing newer was
/// posted, the patient did not book or opt out; a crash between the ledger and the session still plans the next step
/// once; a nightly re-post never restarts a sequence; sessions without a treatment keep their single reminder.
/// </summary>
public sealed class ReminderSequenceTests(Azurite azurite)
{
    private static readonly Treatment Botox = TestTreatments.Botox;

    private static async Task<Clinic> ClinicAsync(Sweep.SweepTestBed bed, Treatment? treatment = null)
    {
        var clinic = await bed.AddClinicAsync("c1");
        await bed.Services.GetRequiredService<TreatmentCatalog>().SaveAsync("c1", treatment ?? Botox, Ct);
        return clinic;
    }

    /// <summary>A botox session whose first step (14 days before relief ends, 98 days) is due today.</summary>
    private static async Task<SessionView> PostDueTodayAsync(Sweep.SweepTestBed bed, Clinic clinic, string patientId = "p1", string sessionId = "s1") =>
        (await bed.Registration.RegisterAsync(clinic, new ValidSession(patientId, $"{patientId}@example.com", "Ana",
            bed.Today(clinic).AddDays(14 - 98), sessionId, null, "botox"), Ct)).Session;

    [Fact]
    public async Task The_default_sequence_sends_two_weeks_before_and_a_follow_up_a_week_after_each_with_its_own_identity_and_outcome()
    {
        await using var bed = Create(azurite);
        var clinic = await ClinicAsync(bed);
        var first = await PostDueTodayAsync(bed, clinic);
        Assert.Equal((1, 2), (first.Step, first.Steps));

        AssertCounts(await bed.SweepAsync(), sent: 1);

        var between = await bed.SessionAsync("c1", "p1");
        Assert.Equal((ReminderStatus.Pending, 2, 2), (between.Status, between.Step, between.Steps));
        Assert.Equal(first.ReliefEndsOn.AddDays(7), between.ReminderDate);
        Assert.NotEqual(first.ReminderId, between.ReminderId);
        var step1 = Assert.Single(between.EarlierSteps);
        Assert.Equal((1, first.ReminderId, ReminderStatus.Sent), (step1.Step, step1.ReminderId, step1.Status));
        Assert.Single(await bed.DueRowsAsync());
        Assert.Contains("Time to book", bed.Sends.Messages[0].Subject);

        bed.Time.Advance(TimeSpan.FromDays(20));
        AssertCounts(await bed.SweepAsync()); // not before its day
        bed.Time.Advance(TimeSpan.FromDays(1));
        AssertCounts(await bed.SweepAsync(), sent: 1);

        var done = await bed.SessionAsync("c1", "p1");
        Assert.Equal((ReminderStatus.Sent, 2), (done.Status, done.Step));
        Assert.Equal(1, bed.Sends.CallsFor(first.ReminderId));
        Assert.Equal(1, bed.Sends.CallsFor(between.ReminderId));
        Assert.Contains("still time", bed.Sends.Messages[1].Subject);
        Assert.Empty(await bed.DueRowsAsync());
        bed.Time.Advance(TimeSpan.FromDays(30));
        AssertCounts(await bed.SweepAsync()); // the sequence ended
        Assert.Equal(2, bed.Sends.Total);
    }

    [Fact]
    public async Task A_session_posted_between_the_steps_ends_the_sequence_Superseded()
    {
        await using var bed = Create(azurite);
        var clinic = await ClinicAsync(bed);
        await PostDueTodayAsync(bed, clinic);
        AssertCounts(await bed.SweepAsync(), sent: 1);

        bed.Time.Advance(TimeSpan.FromDays(10));
        await bed.Registration.RegisterAsync(clinic, new ValidSession("p1", "p1@example.com", "Ana", bed.Today(clinic), "s2", null, "botox"), Ct);
        bed.Time.Advance(TimeSpan.FromDays(11));
        AssertCounts(await bed.SweepAsync(), skipped: 1);

        var view = await bed.SessionAsync("c1", "p1", "s1");
        Assert.Equal((ReminderStatus.Skipped, SkipReason.Superseded, 2), (view.Status, view.Reason, view.Step));
        Assert.Equal(1, bed.Sends.Total);
    }

    [Fact]
    public async Task A_patient_who_opted_out_after_the_first_step_gets_no_follow_up()
    {
        await using var bed = Create(azurite);
        var clinic = await ClinicAsync(bed);
        await PostDueTodayAsync(bed, clinic);
        AssertCounts(await bed.SweepAsync(), sent: 1);

        var hashes = bed.Services.GetRequiredService<AddressHashes>();
        await bed.Services.GetRequiredService<OptOuts>().SetAsync(new UnsubscribeTokens.Claims("c1", "p1", hashes.Keyed("c1", "p1@example.com")), true, Ct);
        bed.Time.Advance(TimeSpan.FromDays(21));
        AssertCounts(await bed.SweepAsync(), skipped: 1);

        Assert.Equal(SkipReason.OptedOut, (await bed.SessionAsync("c1", "p1")).Reason);
        Assert.Equal(1, bed.Sends.Total);
    }

    [Fact]
    public async Task A_booking_made_after_the_first_step_holds_the_follow_up_and_a_cancelled_one_releases_it()
    {
        await using var bed = Create(azurite);
        var clinic = await ClinicAsync(bed);
        await PostDueTodayAsync(bed, clinic);
        AssertCounts(await bed.SweepAsync(), sent: 1);
        var bookings = bed.Services.GetRequiredService<Reminders.Bookings.PatientBookings>();
        await bookings.PutAsync("c1", "p1", "b1", bed.Today(clinic).AddDays(30), "botox", Ct);

        bed.Time.Advance(TimeSpan.FromDays(21));
        AssertCounts(await bed.SweepAsync(), deferred: 1);
        Assert.Equal(SkipReason.AlreadyBooked, (await bed.SessionAsync("c1", "p1")).Reason);

        Assert.True(await bookings.CancelAsync(clinic, "p1", "b1", Ct));
        AssertCounts(await bed.SweepAsync(), sent: 1);
        Assert.Equal(2, bed.Sends.Total);
    }

    [Fact]
    public async Task A_crash_after_the_ledger_took_the_first_step_still_plans_the_follow_up_once()
    {
        var gate = new StorageGate();
        await using var bed = Create(azurite, gate: gate);
        var clinic = await ClinicAsync(bed);
        var first = await PostDueTodayAsync(bed, clinic);
        // The transaction that records step 1 as sent and plans step 2 fails: the process "died" after the ledger write.
        gate.FailFirst(c => c.IsBatch && c.Body.Contains("StepHistory", StringComparison.Ordinal));

        await bed.SweepAsync();
        Assert.Equal(1, bed.Sends.CallsFor(first.ReminderId));
        Assert.Equal((ReminderStatus.Pending, 1), ((await bed.SessionAsync("c1", "p1")).Status, (await bed.SessionAsync("c1", "p1")).Step));

        await bed.SweepAsync(); // the ledger says step 1 went out: recorded, and step 2 planned, without a second email
        var view = await bed.SessionAsync("c1", "p1");
        Assert.Equal((ReminderStatus.Pending, 2), (view.Status, view.Step));
        Assert.Equal(first.ReminderId, Assert.Single(view.EarlierSteps).ReminderId);
        Assert.Equal(1, bed.Sends.Total);
        Assert.Equal(view.ReminderId, Assert.Single(await bed.DueRowsAsync()).ReminderId);

        bed.Time.Advance(TimeSpan.FromDays(21));
        AssertCounts(await bed.SweepAsync(), sent: 1);
        Assert.Equal(2, bed.Sends.Total);
    }

    [Fact]
    public async Task A_nightly_re_post_between_the_steps_neither_restarts_nor_moves_the_sequence()
    {
        await using var bed = Create(azurite);
        var clinic = await ClinicAsync(bed);
        var first = await PostDueTodayAsync(bed, clinic);
        AssertCounts(await bed.SweepAsync(), sent: 1);
        var between = await bed.SessionAsync("c1", "p1");

        var again = await PostDueTodayAsync(bed, clinic); // the same body, a day later in the clinic's eyes
        bed.Time.Advance(TimeSpan.FromDays(1));
        var later = await bed.Registration.RegisterAsync(clinic, new ValidSession("p1", "p1@example.com", "Ana", first.InjectionDate, "s1", null, "botox"), Ct);

        Assert.Equal((between.ReminderId, 2), (again.ReminderId, again.Step));
        Assert.Equal(between.ReminderId, later.Session.ReminderId);
        AssertCounts(await bed.SweepAsync());
        Assert.Equal(1, bed.Sends.CallsFor(first.ReminderId));
    }

    [Fact]
    public async Task A_follow_up_the_sweep_could_not_send_in_time_expires_and_says_so()
    {
        await using var bed = Create(azurite);
        var clinic = await ClinicAsync(bed);
        await PostDueTodayAsync(bed, clinic);
        AssertCounts(await bed.SweepAsync(), sent: 1);

        bed.Time.Advance(TimeSpan.FromDays(21 + ReminderSchedule.ExpiryGraceDays + 1));
        AssertCounts(await bed.SweepAsync(), expired: 1);

        var view = await bed.SessionAsync("c1", "p1");
        Assert.Equal((ReminderStatus.Expired, 2), (view.Status, view.Step));
        Assert.Contains("follow-up was due", view.Detail);
    }

    [Fact]
    public async Task A_treatment_with_three_steps_sends_three_and_a_session_without_a_treatment_sends_one()
    {
        await using var bed = Create(azurite);
        var clinic = await ClinicAsync(bed, Botox with { ReminderSteps = [-14, 0, 14] });
        await PostDueTodayAsync(bed, clinic);
        var plain = await bed.RegisterAsync(clinic, "p2", bed.InjectionWithReminderDaysAgo(clinic, 0), sessionId: "s1");
        Assert.Equal((1, 1), (plain.Step, plain.Steps));

        AssertCounts(await bed.SweepAsync(), sent: 2);
        Assert.Equal(ReminderStatus.Sent, (await bed.SessionAsync("c1", "p2")).Status); // one step: done
        for (var i = 0; i < 2; i++)
        {
            bed.Time.Advance(TimeSpan.FromDays(14));
            AssertCounts(await bed.SweepAsync(), sent: 1);
        }
        var view = await bed.SessionAsync("c1", "p1");
        Assert.Equal((ReminderStatus.Sent, 3, 3), (view.Status, view.Step, view.Steps));
        Assert.Equal([1, 2], view.EarlierSteps.Select(s => s.Step));
        Assert.Equal(4, bed.Sends.Total);
    }

    [Fact]
    public async Task The_email_names_the_treatment_only_when_the_clinic_allowed_it()
    {
        await using var bed = Create(azurite);
        var clinic = await ClinicAsync(bed, Botox with { NameInEmail = true });
        await bed.Services.GetRequiredService<TreatmentCatalog>().SaveAsync("c1", Botox with { TreatmentId = "quiet", Name = "Quiet treatment" }, Ct);
        await PostDueTodayAsync(bed, clinic);
        await bed.Registration.RegisterAsync(clinic, new ValidSession("p2", "p2@example.com", null, bed.Today(clinic).AddDays(14 - 98), "s1", null, "quiet"), Ct);

        AssertCounts(await bed.SweepAsync(), sent: 2);

        Assert.Contains("(Botulinum toxin, lumbar)", bed.Sends.Messages.Single(m => m.To == "p1@example.com").TextBody);
        Assert.DoesNotContain("Quiet treatment", bed.Sends.Messages.Single(m => m.To == "p2@example.com").TextBody);
    }
}
