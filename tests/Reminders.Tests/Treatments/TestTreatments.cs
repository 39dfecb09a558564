using Microsoft.Extensions.DependencyInjection;
using Reminders.Clinics;
using Reminders.Sessions;
using Reminders.Tests.Sweep;
using Reminders.Treatments;
using static Reminders.Tests.Sweep.SweepTestBed;

namespace Reminders.Tests.Treatments;

/// <summary>The treatment the rule tests share, and a botox session whose first step is due today.</summary>
public static class TestTreatments
{
    public static readonly Treatment Botox = new("botox", "Botulinum toxin, lumbar", ReliefDays: 98, MinReliefDays: 84, MaxReliefDays: 180, NameInEmail: false);

    /// <summary>The first day of a botox session (98 days of relief) whose first step (14 days before relief ends) is due today.</summary>
    public static DateOnly InjectionDueToday(SweepTestBed bed, Clinic clinic) => bed.Today(clinic).AddDays(14 - 98);

    public static async Task<SessionView> PostBotoxAsync(SweepTestBed bed, Clinic clinic, DateOnly injection, string patientId = "p1", string sessionId = "s1") =>
        (await bed.Registration.RegisterAsync(clinic, new ValidSession(patientId, $"{patientId}@example.com", null, injection, sessionId, null, "botox"), Ct)).Session;

    /// <summary>A clinic with <paramref name="treatment"/> (default <see cref="Botox"/>) and p1's botox session due today, its first step sent.</summary>
    public static async Task<(Clinic Clinic, DateOnly Injection)> FirstStepSentAsync(SweepTestBed bed, Treatment? treatment = null)
    {
        var clinic = await bed.AddClinicAsync("c1");
        await bed.Services.GetRequiredService<TreatmentCatalog>().SaveAsync("c1", treatment ?? Botox, Ct);
        var injection = InjectionDueToday(bed, clinic);
        await PostBotoxAsync(bed, clinic, injection);
        AssertCounts(await bed.SweepAsync(), sent: 1);
        return (clinic, injection);
    }
}
