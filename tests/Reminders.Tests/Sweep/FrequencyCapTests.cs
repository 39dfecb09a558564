using Microsoft.Extensions.DependencyInjection;
using Reminders.Clinics;
using Reminders.Plan;
using Reminders.Sessions;
using Reminders.Tests.Infrastructure;
using Reminders.Treatments;
using static Reminders.Tests.Sweep.SweepTestBed;

namespace Reminders.Tests.Sweep;

/// <summary>
/// The frequency cap on Azurite with a fake clock: two treatments' reminders due together reach the patient a week
/// apart, one that the cap would push past its relief is skipped (FrequencyCap), and a cap of 0 sends both.
/// </summary>
public sealed class FrequencyCapTests(Azurite azurite)
{
    private static async Task<Clinic> ClinicAsync(SweepTestBed bed, int capDays)
    {
        var clinic = await bed.AddClinicAsync("c1");
        clinic = (await bed.Clinics.SaveAsync(clinic with { FrequencyCapDays = capDays }, Ct)).Clinic;
        var catalog = bed.Services.GetRequiredService<TreatmentCatalog>();
        await catalog.SaveAsync("c1", new Treatment("botox", "Botox", null, 20, 365, false), Ct);
        await catalog.SaveAsync("c1", new Treatment("physio", "Physio", null, 20, 365, false), Ct);
        return clinic;
    }

    private static async Task<SessionView> PostAsync(SweepTestBed bed, Clinic clinic, string treatmentId, int reliefDays, DateOnly injection) =>
        (await bed.Registration.RegisterAsync(clinic, new ValidSession("p1", "p1@example.com", null, injection, treatmentId, reliefDays, treatmentId), Ct)).Session;

    [Fact]
    public async Task Two_reminders_due_together_reach_the_patient_a_cap_apart_and_the_held_one_says_until_when()
    {
        await using var bed = Create(azurite);
        var clinic = await ClinicAsync(bed, capDays: 7);
        var botox = await PostAsync(bed, clinic, "botox", 90, bed.InjectionWithReminderDaysAgo(clinic, 0));
        var physio = await PostAsync(bed, clinic, "physio", 60, bed.Today(clinic).AddDays(-(60 - clinic.RemindDaysBefore)));

        AssertCounts(await bed.SweepAsync(), sent: 1, deferred: 1);
        var held = bed.Sends.CallsFor(botox.ReminderId) == 1 ? physio : botox;
        var heldView = await bed.SessionAsync("c1", "p1", held.SessionId);
        Assert.Equal(ReminderStatus.Pending, heldView.Status);
        Assert.Contains($"sent from {bed.Today(clinic).AddDays(7):yyyy-MM-dd}", heldView.Detail);

        bed.Time.Advance(TimeSpan.FromDays(6));
        AssertCounts(await bed.SweepAsync(), deferred: 1);
        bed.Time.Advance(TimeSpan.FromDays(1));
        AssertCounts(await bed.SweepAsync(), sent: 1);
        Assert.Equal(1, bed.Sends.CallsFor(held.ReminderId));
    }

    [Fact]
    public async Task A_reminder_the_cap_would_push_past_its_relief_is_skipped_FrequencyCap()
    {
        await using var bed = Create(azurite);
        var clinic = await ClinicAsync(bed, capDays: 30);
        await PostAsync(bed, clinic, "botox", 90, bed.InjectionWithReminderDaysAgo(clinic, 0));
        // Relief ends in 14 days: 30 days from now is past it and its 7-day grace.
        await PostAsync(bed, clinic, "physio", 60, bed.Today(clinic).AddDays(-(60 - clinic.RemindDaysBefore)));

        AssertCounts(await bed.SweepAsync(), sent: 1, skipped: 1);
        var skipped = (await bed.Records.LoadAsync("c1", "p1", Ct)).Sessions.Single(s => s.Status == ReminderStatus.Skipped);
        Assert.Equal(SkipReason.FrequencyCap, skipped.Reason);
    }

    [Fact]
    public async Task Without_a_cap_both_go_out_together()
    {
        await using var bed = Create(azurite);
        var clinic = await ClinicAsync(bed, capDays: 0);
        await PostAsync(bed, clinic, "botox", 90, bed.InjectionWithReminderDaysAgo(clinic, 0));
        await PostAsync(bed, clinic, "physio", 60, bed.Today(clinic).AddDays(-(60 - clinic.RemindDaysBefore)));

        AssertCounts(await bed.SweepAsync(), sent: 2);
    }
}
