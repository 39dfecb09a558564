using Reminders.Clinics;
using Reminders.Plan;
using Reminders.Tests.Infrastructure;
using static Reminders.Tests.Sweep.SweepTestBed;

namespace Reminders.Tests.Sweep;

/// <summary>"Today" is the clinic's local date, and a clinic is touched only inside its local send window and while not paused.</summary>
public sealed class TimeZoneAndWindowTests(Azurite azurite)
{
    [Fact]
    public async Task Today_is_the_clinics_local_date_not_the_utc_date()
    {
        // 23:30 UTC on 15 June: 08:30 on the 16th in Tokyo, 13:30 on the 16th in Kiritimati, 16:30 on the 15th in Los Angeles.
        await using var bed = Create(azurite, TestClock.New(new DateTimeOffset(2026, 6, 15, 23, 30, 0, TimeSpan.Zero)));
        var tokyo = await bed.AddClinicAsync("tokyo", "Asia/Tokyo");
        var kiritimati = await bed.AddClinicAsync("kiritimati", "Pacific/Kiritimati");
        var la = await bed.AddClinicAsync("la", "America/Los_Angeles");
        var june16 = new DateOnly(2026, 6, 16);
        var june15 = new DateOnly(2026, 6, 15);
        Assert.Equal((june16, june16, june15), (bed.Today(tokyo), bed.Today(kiritimati), bed.Today(la)));
        var injectionFor16 = june16.AddDays(-76);
        var tokyo16 = await bed.RegisterAsync(tokyo, "p1", injectionFor16);
        var kiritimati16 = await bed.RegisterAsync(kiritimati, "p1", injectionFor16);
        var la16 = await bed.RegisterAsync(la, "p1", injectionFor16);
        var la15 = await bed.RegisterAsync(la, "p2", june15.AddDays(-76));

        var sweep = await bed.SweepAsync();

        AssertCounts(sweep, sent: 3);
        Assert.Equal(1, bed.Sends.CallsFor(tokyo16.ReminderId));
        Assert.Equal(1, bed.Sends.CallsFor(kiritimati16.ReminderId));
        Assert.Equal(1, bed.Sends.CallsFor(la15.ReminderId));
        Assert.Equal(ReminderStatus.Pending, (await bed.SessionAsync("la", "p1")).Status);
        Assert.Equal(la16.ReminderId, Assert.Single(await bed.DueRowsAsync()).ReminderId);

        // Once it is the 16th in Los Angeles (08:00 local), its reminder goes too.
        bed.AdvanceToLocal(new DateTime(2026, 6, 16, 8, 0, 0), "America/Los_Angeles");
        AssertCounts(await bed.SweepAsync(), sent: 1);
        Assert.Equal(1, bed.Sends.CallsFor(la16.ReminderId));
    }

    [Fact]
    public async Task Outside_the_send_window_nothing_is_touched_not_even_expiry()
    {
        await using var bed = Create(azurite, ClockAtLocal(new DateTime(2026, 6, 15, 12, 0, 0)));
        var clinic = await bed.AddClinicAsync("c1");
        var due = await bed.RegisterAsync(clinic, "p-due", bed.InjectionWithReminderDaysAgo(clinic, 1));
        var expiring = await bed.RegisterAsync(clinic, "p-expiring", bed.InjectionWithReliefEndedDaysAgo(clinic, 7));

        // 03:00 the next morning in Madrid: the second one is now past the grace period, but the clinic is asleep.
        bed.AdvanceToLocal(new DateTime(2026, 6, 16, 3, 0, 0));
        AssertCounts(await bed.SweepAsync());
        Assert.Equal(ReminderStatus.Pending, (await bed.SessionAsync("c1", "p-due")).Status);
        Assert.Equal(ReminderStatus.Pending, (await bed.SessionAsync("c1", "p-expiring")).Status);
        Assert.Equal(2, (await bed.DueRowsAsync()).Count);
        Assert.Equal(0, bed.Sends.Total);

        bed.AdvanceToLocal(new DateTime(2026, 6, 16, 8, 0, 0));
        AssertCounts(await bed.SweepAsync(), sent: 1, expired: 1);
        Assert.Equal(1, bed.Sends.CallsFor(due.ReminderId));
        Assert.Equal(ReminderStatus.Expired, (await bed.SessionAsync("c1", "p-expiring")).Status);
        Assert.Equal(0, bed.Sends.CallsFor(expiring.ReminderId));
    }

    [Fact]
    public async Task One_sweep_serves_each_clinic_by_its_own_local_clock()
    {
        // 01:00 UTC: 03:00 in Madrid (closed), 10:00 in Tokyo (open).
        await using var bed = Create(azurite, TestClock.New(new DateTimeOffset(2026, 6, 16, 1, 0, 0, TimeSpan.Zero)));
        var madrid = await bed.AddClinicAsync("madrid");
        var tokyo = await bed.AddClinicAsync("tokyo", "Asia/Tokyo");
        var inMadrid = await bed.RegisterAsync(madrid, "p1", bed.InjectionWithReminderDaysAgo(madrid, 2));
        var inTokyo = await bed.RegisterAsync(tokyo, "p1", bed.InjectionWithReminderDaysAgo(tokyo, 2));

        AssertCounts(await bed.SweepAsync(), sent: 1);

        Assert.Equal(1, bed.Sends.CallsFor(inTokyo.ReminderId));
        Assert.Equal(0, bed.Sends.CallsFor(inMadrid.ReminderId));
        Assert.Equal(ReminderStatus.Pending, (await bed.SessionAsync("madrid", "p1")).Status);
    }

    [Theory]
    [InlineData("08:00", "20:00", "07:59", false)]
    [InlineData("08:00", "20:00", "08:00", true)]
    [InlineData("08:00", "20:00", "19:59", true)]
    [InlineData("08:00", "20:00", "20:00", false)]
    [InlineData("08:00", "20:00", "03:00", false)]
    [InlineData("20:00", "24:00", "19:59", false)]
    [InlineData("20:00", "24:00", "23:59", true)]
    [InlineData("20:00", "24:00", "00:00", false)]
    [InlineData("22:00", "02:00", "21:59", false)]
    [InlineData("22:00", "02:00", "22:00", true)]
    [InlineData("22:00", "02:00", "23:30", true)]
    [InlineData("22:00", "02:00", "00:00", true)]
    [InlineData("22:00", "02:00", "01:59", true)]
    [InlineData("22:00", "02:00", "02:00", false)]
    [InlineData("22:00", "02:00", "12:00", false)]
    [InlineData("00:00", "24:00", "00:00", true)]
    [InlineData("00:00", "24:00", "03:00", true)]
    [InlineData("00:00", "24:00", "23:59", true)]
    public async Task The_send_window_is_local_start_inclusive_end_exclusive_and_may_wrap_midnight(string start, string end, string localTime, bool sends)
    {
        Assert.True(SendWindow.TryParseTime(start, allowEndOfDay: false, out var startMinute));
        Assert.True(SendWindow.TryParseTime(end, allowEndOfDay: true, out var endMinute));
        var at = TimeOnly.ParseExact(localTime, "HH:mm");
        await using var bed = Create(azurite, ClockAtLocal(new DateOnly(2026, 6, 16).ToDateTime(at)));
        var clinic = await bed.AddClinicAsync("c1", window: new SendWindow(startMinute, endMinute));
        var session = await bed.RegisterAsync(clinic, "p1", bed.InjectionWithReminderDaysAgo(clinic, 1));

        var sweep = await bed.SweepAsync();

        AssertCounts(sweep, sent: sends ? 1 : 0);
        Assert.Equal(sends ? ReminderStatus.Sent : ReminderStatus.Pending, (await bed.SessionAsync("c1", "p1")).Status);
        Assert.Equal(sends ? 1 : 0, bed.Sends.CallsFor(session.ReminderId));
    }

    [Fact]
    public async Task A_paused_clinic_keeps_its_reminders_pending_until_it_resumes()
    {
        await using var bed = Create(azurite);
        var paused = await bed.AddClinicAsync("paused", paused: true);
        var open = await bed.AddClinicAsync("open");
        var due = await bed.RegisterAsync(paused, "p-due", bed.InjectionWithReminderDaysAgo(paused, 1));
        var expiring = await bed.RegisterAsync(paused, "p-expiring", bed.InjectionWithReliefEndedDaysAgo(paused, 7));
        await bed.RegisterAsync(open, "p1", bed.InjectionWithReminderDaysAgo(open, 1));
        bed.Time.Advance(TimeSpan.FromDays(1)); // p-expiring is now past the grace period

        AssertCounts(await bed.SweepAsync(), sent: 1); // the other clinic's only
        Assert.Equal(ReminderStatus.Pending, (await bed.SessionAsync("paused", "p-due")).Status);
        Assert.Equal(ReminderStatus.Pending, (await bed.SessionAsync("paused", "p-expiring")).Status);
        Assert.Equal(0, bed.Sends.CallsFor(due.ReminderId));

        await bed.Clinics.SaveAsync(paused with { Paused = false }, Ct);
        AssertCounts(await bed.SweepAsync(), sent: 1, expired: 1);
        Assert.Equal(1, bed.Sends.CallsFor(due.ReminderId));
        Assert.Equal(0, bed.Sends.CallsFor(expiring.ReminderId));
        Assert.Equal(ReminderStatus.Expired, (await bed.SessionAsync("paused", "p-expiring")).Status);
    }
}
