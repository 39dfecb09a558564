using Microsoft.Extensions.DependencyInjection;
using Reminders.Clinics;
using Reminders.Http;
using Reminders.Plan;
using Reminders.Tests.Infrastructure;
using static Reminders.Tests.Sweep.SweepTestBed;

namespace Reminders.Tests.Sweep;

/// <summary>Closed days on Azurite with a fake clock: a reminder due on one is planned for the previous open day, says so, and moves when the clinic's days change.</summary>
public sealed class ClosedDayTests(Azurite azurite)
{
    private static readonly ClosedDays Weekends = new(new HashSet<DayOfWeek> { DayOfWeek.Saturday, DayOfWeek.Sunday }, new HashSet<DateOnly>());

    /// <summary>An injection date in the last weeks whose reminder (90 - 14 = 76 days on) falls on <paramref name="day"/>.</summary>
    private static DateOnly InjectionWithReminderOn(SweepTestBed bed, Clinic clinic, DayOfWeek day) =>
        Enumerable.Range(0, 7).Select(i => bed.Today(clinic).AddDays(-10 - i)).First(d => d.AddDays(76).DayOfWeek == day);

    private static async Task<Clinic> ClinicAsync(SweepTestBed bed, ClosedDays closed)
    {
        var clinic = await bed.AddClinicAsync("c1");
        return (await bed.Clinics.SaveAsync(clinic with { ClosedDays = closed }, Ct)).Clinic;
    }

    [Fact]
    public async Task A_reminder_due_on_a_closed_weekday_is_planned_for_the_previous_open_day_and_says_why()
    {
        await using var bed = Create(azurite);
        var clinic = await ClinicAsync(bed, Weekends);
        var injection = InjectionWithReminderOn(bed, clinic, DayOfWeek.Sunday);

        var session = await bed.RegisterAsync(clinic, "p1", injection, sessionId: "s1");

        Assert.Equal(injection.AddDays(74), session.ReminderDate); // Friday
        Assert.Equal(DayOfWeek.Friday, session.ReminderDate.DayOfWeek);
        Assert.Equal($"Due on {injection.AddDays(74):yyyy-MM-dd}, moved from {injection.AddDays(76):yyyy-MM-dd}: the clinic is closed on Sundays.", session.Detail);
        // Posting it again changes nothing.
        var again = await bed.RegisterAsync(clinic, "p1", injection, sessionId: "s1");
        Assert.Equal((session.ReminderId, session.ReminderDate), (again.ReminderId, again.ReminderDate));
    }

    [Fact]
    public async Task A_holiday_moves_the_reminder_to_the_day_before_and_a_change_of_closed_days_moves_pending_ones()
    {
        await using var bed = Create(azurite);
        var clinic = await ClinicAsync(bed, ClosedDays.None);
        var injection = InjectionWithReminderOn(bed, clinic, DayOfWeek.Wednesday);
        var planned = await bed.RegisterAsync(clinic, "p1", injection, sessionId: "s1");
        Assert.Equal(injection.AddDays(76), planned.ReminderDate);

        var holiday = new ClosedDays(new HashSet<DayOfWeek>(), new HashSet<DateOnly> { planned.ReminderDate });
        var saved = await bed.Clinics.SaveAsync(clinic with { ClosedDays = holiday }, Ct);
        Assert.True(saved.PlanChanged);
        await bed.Services.GetRequiredService<ReminderReplanner>().ReplanClinicAsync(saved.Clinic, bed.Time.GetUtcNow().AddMinutes(1), Ct);

        var moved = await bed.SessionAsync("c1", "p1");
        Assert.Equal(planned.ReminderDate.AddDays(-1), moved.ReminderDate);
        Assert.Contains($"the clinic is closed on {planned.ReminderDate:yyyy-MM-dd}", moved.Detail);
        Assert.NotEqual(planned.ReminderId, moved.ReminderId);
        Assert.Single(await bed.DueRowsAsync());
    }

    [Fact]
    public async Task A_sent_reminder_whose_day_is_closed_later_is_not_sent_again_by_a_nightly_re_post()
    {
        await using var bed = Create(azurite);
        var clinic = await ClinicAsync(bed, ClosedDays.None);
        var sent = await bed.RegisterAsync(clinic, "p1", bed.InjectionWithReminderDaysAgo(clinic, 0), sessionId: "s1");
        AssertCounts(await bed.SweepAsync(), sent: 1);

        // The clinic now closes on the day that reminder was due; the clinic system re-posts the same session nightly.
        var closed = new ClosedDays(new HashSet<DayOfWeek>(), new HashSet<DateOnly> { sent.ReminderDate });
        var saved = (await bed.Clinics.SaveAsync(clinic with { ClosedDays = closed }, Ct)).Clinic;
        var again = await bed.RegisterAsync(saved, "p1", bed.InjectionWithReminderDaysAgo(clinic, 0), sessionId: "s1");

        Assert.Equal((ReminderStatus.Sent, sent.ReminderId, sent.ReminderDate), (again.Status, again.ReminderId, again.ReminderDate));
        AssertCounts(await bed.SweepAsync());
        Assert.Equal(1, bed.Sends.Total);
    }

    [Fact]
    public async Task A_closed_stretch_reaching_back_to_the_injection_sends_on_the_next_open_day_instead()
    {
        await using var bed = Create(azurite);
        var clinic = await ClinicAsync(bed, Weekends);
        // A 15-day relief reminded 14 days before: due the day after the injection, a Saturday when injected on Friday.
        var friday = Enumerable.Range(0, 7).Select(i => bed.Today(clinic).AddDays(-i)).First(d => d.DayOfWeek == DayOfWeek.Friday);

        var session = await bed.RegisterAsync(clinic, "p1", friday, sessionId: "s1", reliefDays: 15);

        Assert.Equal(friday.AddDays(3), session.ReminderDate); // Monday: Friday would be the injection day itself
    }

    [Theory]
    [InlineData(new[] { "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday" }, null, "closedWeekdays")]
    [InlineData(new[] { "Caturday" }, null, "closedWeekdays")]
    [InlineData(new[] { "3" }, null, "closedWeekdays")]
    [InlineData(new[] { "Monday,Tuesday" }, null, "closedWeekdays")]
    [InlineData(null, new[] { "2026-13-01" }, "closedDates")]
    public void Closed_days_that_make_no_sense_are_refused_naming_the_field(string[]? weekdays, string[]? dates, string field)
    {
        var request = new ClinicSettingsRequest("C", "Europe/Madrid", "https://c.example.com/book", null, null, null, null, null, null,
            ClosedWeekdays: weekdays, ClosedDates: dates);
        var v = new Validation();

        Assert.Null(request.Validate("c1", v));
        Assert.Contains(field, v.ToProblemDetails().Errors.Keys);
    }
}
