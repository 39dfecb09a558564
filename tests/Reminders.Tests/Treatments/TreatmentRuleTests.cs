using Microsoft.Extensions.DependencyInjection;
using Reminders.Clinics;
using Reminders.Plan;
using Reminders.Sessions;
using Reminders.Tests.Infrastructure;
using Reminders.Tests.Sweep;
using Reminders.Treatments;
using static Reminders.Tests.Sweep.SweepTestBed;

namespace Reminders.Tests.Treatments;

/// <summary>
/// Treatments and the personal relief estimate, on Azurite with a fake clock: the patient's own history, the
/// treatment's default and the clinic's, the guardrails every one of them stays within, and two treatments that never
/// touch each other's reminders.
/// </summary>
public sealed class TreatmentRuleTests(Azurite azurite)
{
    private static readonly Treatment Botox = TestTreatments.Botox;
    private static readonly Treatment Physio = new("physio", "Physiotherapy block", ReliefDays: null, MinReliefDays: 30, MaxReliefDays: 120, NameInEmail: false);

    private static async Task<Clinic> ClinicWithTreatmentsAsync(SweepTestBed bed)
    {
        var clinic = await bed.AddClinicAsync("c1");
        var catalog = bed.Services.GetRequiredService<TreatmentCatalog>();
        await catalog.SaveAsync("c1", Botox, Ct);
        await catalog.SaveAsync("c1", Physio, Ct);
        return clinic;
    }

    private static async Task<SessionView> PostAsync(SweepTestBed bed, Clinic clinic, DateOnly injection, string sessionId, string? treatmentId, int? reliefDays = null, string patientId = "p1") =>
        (await bed.Registration.RegisterAsync(clinic, new ValidSession(patientId, $"{patientId}@example.com", null, injection, sessionId, reliefDays, treatmentId), Ct)).Session;

    [Fact]
    public async Task With_two_earlier_sessions_the_relief_is_the_median_of_the_patients_own_intervals()
    {
        await using var bed = Create(azurite);
        var clinic = await ClinicWithTreatmentsAsync(bed);
        var today = bed.Today(clinic);
        await PostAsync(bed, clinic, today.AddDays(-91 - 105 - 98), "s1", "botox");
        await PostAsync(bed, clinic, today.AddDays(-105 - 98), "s2", "botox");
        await PostAsync(bed, clinic, today.AddDays(-98), "s3", "botox");

        var next = await PostAsync(bed, clinic, today, "s4", "botox");

        Assert.Equal(new ReliefEstimate(98, ReliefEstimate.FromPatientHistory, "median of 3 intervals (91, 105, 98 days)"), next.ReliefEstimate);
        Assert.Equal(98, next.ReliefDays);
        Assert.Equal(today.AddDays(98), next.ReliefEndsOn);
    }

    [Fact]
    public async Task An_estimate_below_the_treatments_floor_is_raised_to_it_and_says_so()
    {
        await using var bed = Create(azurite);
        var clinic = await ClinicWithTreatmentsAsync(bed);
        var today = bed.Today(clinic);
        await PostAsync(bed, clinic, today.AddDays(-120), "s1", "botox");
        await PostAsync(bed, clinic, today.AddDays(-60), "s2", "botox");

        var next = await PostAsync(bed, clinic, today, "s3", "botox");

        Assert.Equal(84, next.ReliefDays); // the patient came back every 60 days; the floor is 12 weeks
        Assert.Equal(ReliefEstimate.FromPatientHistory, next.ReliefEstimate!.Source);
        Assert.Equal("median of 2 intervals (60, 60 days), raised to the floor of 84 days", next.ReliefEstimate.Basis);
    }

    [Fact]
    public async Task Without_history_the_treatments_default_applies_then_the_clinics_within_the_guardrails()
    {
        await using var bed = Create(azurite);
        var clinic = await ClinicWithTreatmentsAsync(bed);
        var today = bed.Today(clinic);

        var botox = await PostAsync(bed, clinic, today, "s1", "botox", patientId: "p1");
        var physio = await PostAsync(bed, clinic, today, "s1", "physio", patientId: "p2");
        var plain = await PostAsync(bed, clinic, today, "s1", null, patientId: "p3");

        Assert.Equal((98, ReliefEstimate.FromTreatment), (botox.ReliefDays, botox.ReliefEstimate!.Source));
        // The clinic's 90 days are within physio's 30-120.
        Assert.Equal((90, ReliefEstimate.FromClinic), (physio.ReliefDays, physio.ReliefEstimate!.Source));
        Assert.Equal((90, ReliefEstimate.FromClinic, "the clinic's reliefDays"), (plain.ReliefDays, plain.ReliefEstimate!.Source, plain.ReliefEstimate.Basis));
        Assert.Equal("botox", botox.TreatmentId);
    }

    [Fact]
    public async Task A_posted_relief_wins_but_never_outside_the_guardrails_and_an_unknown_treatment_is_refused()
    {
        await using var bed = Create(azurite);
        var clinic = await ClinicWithTreatmentsAsync(bed);
        var today = bed.Today(clinic);

        var posted = await PostAsync(bed, clinic, today, "s1", "botox", reliefDays: 120);
        var tooShort = await Assert.ThrowsAsync<SessionInputException>(() => PostAsync(bed, clinic, today, "s2", "botox", reliefDays: 60));
        var unknown = await Assert.ThrowsAsync<SessionInputException>(() => PostAsync(bed, clinic, today, "s3", "laser"));

        Assert.Equal((120, ReliefEstimate.FromSession), (posted.ReliefDays, posted.ReliefEstimate!.Source));
        Assert.Equal("reliefDays", tooShort.Field);
        Assert.Equal("treatmentId", unknown.Field);
    }

    [Fact]
    public async Task Two_treatments_run_independently_a_later_physio_session_does_not_supersede_the_botox_reminder()
    {
        await using var bed = Create(azurite);
        var clinic = await ClinicWithTreatmentsAsync(bed);
        var botox = await PostAsync(bed, clinic, bed.InjectionWithReminderDaysAgo(clinic, 0), "b1", "botox", reliefDays: 90);
        await PostAsync(bed, clinic, bed.Today(clinic).AddDays(-5), "p1", "physio");

        AssertCounts(await bed.SweepAsync(), sent: 1);
        Assert.Equal(1, bed.Sends.CallsFor(botox.ReminderId));

        // A later botox session does supersede it.
        var second = await PostAsync(bed, clinic, bed.InjectionWithReminderDaysAgo(clinic, 0), "b2", "botox", reliefDays: 90, patientId: "p9");
        await PostAsync(bed, clinic, bed.Today(clinic).AddDays(-1), "b3", "botox", patientId: "p9");
        AssertCounts(await bed.SweepAsync(), skipped: 1);
        Assert.Equal(0, bed.Sends.CallsFor(second.ReminderId));
    }

    [Fact]
    public async Task A_clinic_that_starts_naming_treatments_has_its_earlier_unnamed_session_superseded_by_the_next_visit()
    {
        await using var bed = Create(azurite);
        var clinic = await ClinicWithTreatmentsAsync(bed);
        var unnamed = await PostAsync(bed, clinic, bed.InjectionWithReminderDaysAgo(clinic, 0), "s1", null, reliefDays: 90);
        await PostAsync(bed, clinic, bed.Today(clinic).AddDays(-1), "s2", "botox");

        AssertCounts(await bed.SweepAsync(), skipped: 1);
        Assert.Equal(0, bed.Sends.CallsFor(unnamed.ReminderId));
        Assert.Equal(SkipReason.Superseded, (await bed.SessionAsync("c1", "p1", "s1")).Reason);
    }

    [Fact]
    public async Task Sessions_that_name_no_treatment_keep_the_clinics_relief_whatever_the_patients_history()
    {
        // A clinic that never uses treatments must see no change: its reminders stay where its reliefDays puts them.
        await using var bed = Create(azurite);
        var clinic = await ClinicWithTreatmentsAsync(bed);
        var today = bed.Today(clinic);
        await PostAsync(bed, clinic, today.AddDays(-300), "s1", null);
        await PostAsync(bed, clinic, today.AddDays(-200), "s2", null);
        await PostAsync(bed, clinic, today.AddDays(-100), "s3", null);

        var next = await PostAsync(bed, clinic, today, "s4", null);

        Assert.Equal((clinic.ReliefDays, ReliefEstimate.FromClinic), (next.ReliefDays, next.ReliefEstimate!.Source));
    }

    [Fact]
    public async Task A_booking_for_another_treatment_does_not_hold_the_reminder_and_one_for_this_treatment_does()
    {
        await using var bed = Create(azurite);
        var clinic = await ClinicWithTreatmentsAsync(bed);
        var botox = await PostAsync(bed, clinic, bed.InjectionWithReminderDaysAgo(clinic, 0), "b1", "botox", reliefDays: 90);
        var bookings = bed.Services.GetRequiredService<Reminders.Bookings.PatientBookings>();
        await bookings.PutAsync("c1", "p1", "physio-visit", bed.Today(clinic).AddDays(5), "physio", Ct);
        var other = await PostAsync(bed, clinic, bed.InjectionWithReminderDaysAgo(clinic, 0), "b1", "botox", reliefDays: 90, patientId: "p9");
        await bookings.PutAsync("c1", "p9", "botox-visit", bed.Today(clinic).AddDays(5), "botox", Ct);

        AssertCounts(await bed.SweepAsync(), sent: 1, deferred: 1);
        Assert.Equal(1, bed.Sends.CallsFor(botox.ReminderId));
        Assert.Equal((ReminderStatus.Pending, SkipReason.AlreadyBooked), ((await bed.SessionAsync("c1", "p9")).Status, (await bed.SessionAsync("c1", "p9")).Reason));
        Assert.Equal(0, bed.Sends.CallsFor(other.ReminderId));
    }

    [Fact]
    public async Task A_not_yet_answer_raises_the_next_estimate_past_the_day_it_came_on_and_says_why()
    {
        await using var bed = Create(azurite);
        var (clinic, injection) = await TestTreatments.FirstStepSentAsync(bed); // botox, 98 days: step 1 sent on day 84
        bed.Time.Advance(TimeSpan.FromDays(21)); // day 105: the follow-up
        AssertCounts(await bed.SweepAsync(), sent: 1);
        bed.Time.Advance(TimeSpan.FromDays(15)); // day 120: the patient is still fine
        var email = bed.Sends.Messages[1];
        var token = System.Text.RegularExpressions.Regex.Match(email.TextBody, @"check-in\?token=([A-Za-z0-9_-]+)&answer=notYet").Groups[1].Value;
        await bed.Services.GetRequiredService<Reminders.CheckIn.CheckInPages>().HandleAsync(token, Reminders.CheckIn.CheckInAnswer.NotYet, act: true, 2, Ct);

        bed.Time.Advance(TimeSpan.FromDays(20));
        var next = await PostAsync(bed, clinic, bed.Today(clinic), "s2", "botox");

        Assert.Equal((121, ReliefEstimate.FromPatientHistory), (next.ReliefDays, next.ReliefEstimate!.Source));
        Assert.Contains($"\"not yet\" on day 120 after the session of {injection:yyyy-MM-dd}", next.ReliefEstimate.Basis);
    }

    [Fact]
    public async Task A_clinic_relief_change_moves_only_reminders_planned_with_the_clinics_relief()
    {
        await using var bed = Create(azurite);
        var clinic = await ClinicWithTreatmentsAsync(bed);
        var today = bed.Today(clinic);
        var byTreatment = await PostAsync(bed, clinic, today, "s1", "botox", patientId: "p1");
        var byClinic = await PostAsync(bed, clinic, today, "s1", null, patientId: "p2");

        var changed = await bed.Clinics.SaveAsync(clinic with { ReliefDays = 100 }, Ct);
        await bed.Services.GetRequiredService<ReminderReplanner>().ReplanClinicAsync(changed.Clinic, bed.Time.GetUtcNow().AddMinutes(1), Ct);

        Assert.Equal(byTreatment.ReminderDate, (await bed.SessionAsync("c1", "p1")).ReminderDate);
        Assert.Equal(today.AddDays(100 - clinic.RemindDaysBefore), (await bed.SessionAsync("c1", "p2")).ReminderDate);
        Assert.NotEqual(byClinic.ReminderDate, (await bed.SessionAsync("c1", "p2")).ReminderDate);
    }
}
