using Reminders.Clinics;
using Reminders.Tests.Infrastructure;
using static Reminders.Tests.Sweep.SweepTestBed;

namespace Reminders.Tests.Sweep;

/// <summary>Send windows on the days clocks change: every window still gets an hourly sweep inside it.</summary>
public sealed class DaylightSavingTests(Azurite azurite)
{
    /// <summary>The hourly sweeps (on the hour, UTC) of a whole local day that fall inside the window.</summary>
    private static List<DateTimeOffset> HourlyRunsInside(SendWindow window, string zoneId, DateOnly day)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(zoneId);
        var start = SendWindow.Instant(day, 0, zone).AddHours(-1);
        start = new DateTimeOffset(start.Year, start.Month, start.Day, start.Hour, 0, 0, TimeSpan.Zero);
        var end = SendWindow.Instant(day.AddDays(1), 0, zone);
        var runs = new List<DateTimeOffset>();
        for (var at = start; at < end; at = at.AddHours(1))
            if (window.IsOpen(at, zone) && DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, zone).DateTime) == day)
                runs.Add(at);
        return runs;
    }

    private static SendWindow Window(string start, string end)
    {
        Assert.True(SendWindow.TryParseTime(start, false, out var s));
        Assert.True(SendWindow.TryParseTime(end, true, out var e));
        return new SendWindow(s, e);
    }

    [Theory]
    // Spring forward: Madrid skips 02:00–03:00 on 29 March 2026, New York on 8 March, Sydney (southern) on 4 October.
    [InlineData("Europe/Madrid", "2026-03-29", "02:00", "03:00")]
    [InlineData("Europe/Madrid", "2026-03-29", "02:30", "03:30")]
    [InlineData("Europe/Madrid", "2026-03-29", "01:30", "02:30")]
    [InlineData("America/New_York", "2026-03-08", "02:00", "03:00")]
    [InlineData("America/New_York", "2026-03-08", "02:15", "03:15")]
    [InlineData("Australia/Sydney", "2026-10-04", "02:00", "03:00")]
    // Fall back: 02:00–03:00 happens twice in Madrid on 25 October, 01:00–02:00 in New York on 1 November.
    [InlineData("Europe/Madrid", "2026-10-25", "02:00", "03:00")]
    [InlineData("America/New_York", "2026-11-01", "01:00", "02:00")]
    [InlineData("Australia/Sydney", "2026-04-05", "02:00", "03:00")]
    public void A_window_on_a_day_the_clocks_change_still_gets_an_hourly_sweep(string zone, string day, string start, string end)
    {
        var runs = HourlyRunsInside(Window(start, end), zone, DateOnly.Parse(day));

        Assert.NotEmpty(runs);
    }

    [Fact]
    public void A_window_wholly_inside_the_gap_opens_at_the_first_instant_after_it_for_its_own_length()
    {
        var madrid = TimeZoneInfo.FindSystemTimeZoneById("Europe/Madrid");
        var interval = Window("02:00", "03:00").OpenInterval(new DateTimeOffset(2026, 3, 29, 1, 0, 0, TimeSpan.Zero), madrid);

        // 03:00 CEST is 01:00 UTC, the first instant after the gap; the window lasts its hour.
        Assert.Equal((new DateTimeOffset(2026, 3, 29, 1, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 3, 29, 2, 0, 0, TimeSpan.Zero)), interval);
    }

    [Fact]
    public void On_ordinary_days_the_window_is_the_wall_clock_hours_and_nothing_more()
    {
        var runs = HourlyRunsInside(Window("08:00", "20:00"), "Europe/Madrid", new DateOnly(2026, 6, 15));

        Assert.Equal(12, runs.Count);
        Assert.Equal(new DateTimeOffset(2026, 6, 15, 6, 0, 0, TimeSpan.Zero), runs[0]);
    }

    [Fact]
    public void A_fall_back_day_all_day_window_covers_all_25_hours()
    {
        Assert.Equal(25, HourlyRunsInside(Window("00:00", "24:00"), "Europe/Madrid", new DateOnly(2026, 10, 25)).Count);
        Assert.Equal(23, HourlyRunsInside(Window("00:00", "24:00"), "Europe/Madrid", new DateOnly(2026, 3, 29)).Count);
    }

    [Fact]
    public async Task A_clinic_whose_window_falls_in_the_spring_forward_gap_gets_its_reminders_sent_that_day()
    {
        // Reproduced on the previous design: no hourly run fell inside 02:00–03:00 local on 29 March, so nothing went out.
        await using var bed = Create(azurite, ClockAtLocal(new DateTime(2026, 3, 29, 1, 0, 0)));
        var clinic = await bed.AddClinicAsync("c1", window: Window("02:00", "03:00"));
        var session = await bed.RegisterAsync(clinic, "p1", bed.InjectionWithReminderDaysAgo(clinic, 0));

        // The day's hourly sweeps, from 01:00 local (00:00 UTC) to the end of the day.
        var sent = 0;
        for (var hour = 0; hour < 23; hour++)
        {
            sent += (await bed.SweepAsync()).Sent;
            bed.Time.Advance(TimeSpan.FromHours(1));
        }

        Assert.Equal(1, sent);
        Assert.Equal(1, bed.Sends.CallsFor(session.ReminderId));
    }
}
