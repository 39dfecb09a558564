using Reminders.Clinics;
using Reminders.Http;
using Reminders.Sessions;
using Reminders.Tests.Infrastructure;
using static Reminders.Tests.Sweep.SweepTestBed;

namespace Reminders.Tests.Sweep;

/// <summary>reliefEndsOn = injection + relief days (the session's, else the clinic's, else 90); reminder = reliefEndsOn - remindDaysBefore.</summary>
public sealed class ScheduleTests(Azurite azurite)
{
    [Fact]
    public async Task Relief_days_come_from_the_session_else_the_clinic_else_ninety()
    {
        await using var bed = Create(azurite);
        var v = new Validation();
        var byDefault = new ClinicSettingsRequest("Default", "Europe/Madrid", "https://d.example.com/book", null, null, null, null, null, null)
            .Validate("c-default", v)!;
        var custom = new ClinicSettingsRequest("Custom", "Europe/Madrid", "https://c.example.com/book", null, 60, 10, null, null, null)
            .Validate("c-custom", v)!;
        Assert.True(v.IsValid);
        await bed.Clinics.SaveAsync(byDefault, Ct);
        await bed.Clinics.SaveAsync(custom, Ct);
        var injection = bed.Today(custom).AddDays(-5);

        var defaultClinic = await RegisterAsync(bed, byDefault, "p1", injection, reliefDays: null);
        var clinicDays = await RegisterAsync(bed, custom, "p2", injection, reliefDays: null);
        var sessionDays = await RegisterAsync(bed, custom, "p3", injection, reliefDays: 120);

        Assert.Equal((injection.AddDays(90), injection.AddDays(76)), (defaultClinic.ReliefEndsOn, defaultClinic.ReminderDate));
        Assert.Equal((injection.AddDays(60), injection.AddDays(50)), (clinicDays.ReliefEndsOn, clinicDays.ReminderDate));
        Assert.Equal((injection.AddDays(120), injection.AddDays(110)), (sessionDays.ReliefEndsOn, sessionDays.ReminderDate));
        Assert.Equal(120, sessionDays.ReliefDays);

        // The due index is keyed by the reminder date, so each becomes due on exactly that date.
        var due = (await bed.DueRowsAsync()).ToDictionary(d => d.PatientId, d => d.ReminderDate);
        Assert.Equal(injection.AddDays(50).ToString("yyyy-MM-dd"), due["p2"]);
        bed.Time.Advance(TimeSpan.FromDays(50 - 5 - 1));
        AssertCounts(await bed.SweepAsync());
        bed.Time.Advance(TimeSpan.FromDays(1));
        AssertCounts(await bed.SweepAsync(), sent: 1);
        Assert.Equal(1, bed.Sends.CallsFor(clinicDays.ReminderId));
    }

    private static async Task<SessionView> RegisterAsync(SweepTestBed bed, Clinic clinic, string patientId, DateOnly injection, int? reliefDays)
    {
        var v = new Validation();
        var input = new RegisterSessionRequest(patientId, $"{patientId}@example.com", null, injection.ToString("yyyy-MM-dd"), null, reliefDays)
            .Validate(clinic, bed.Today(clinic), v);
        Assert.True(v.IsValid);
        return (await bed.Registration.RegisterAsync(clinic, input!, Ct)).Session;
    }
}
