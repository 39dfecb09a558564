using Reminders.Plan;
using Reminders.Tests.Infrastructure;
using static Reminders.Tests.Sweep.SweepTestBed;

namespace Reminders.Tests.Sweep;

/// <summary>Ways a patient could get the same invitation twice, and why they don't.</summary>
public sealed class NeverTwiceTests(Azurite azurite)
{
    [Fact]
    public async Task Dates_corrected_and_changed_back_do_not_send_the_same_reminder_again()
    {
        await using var bed = Create(azurite);
        var clinic = await bed.AddClinicAsync("c1");
        var original = bed.InjectionWithReminderDaysAgo(clinic, 1);
        var first = await bed.RegisterAsync(clinic, "p1", original, sessionId: "visit-1");
        AssertCounts(await bed.SweepAsync(), sent: 1);

        await bed.RegisterAsync(clinic, "p1", original.AddDays(-1), sessionId: "visit-1"); // a typo…
        var back = await bed.RegisterAsync(clinic, "p1", original, sessionId: "visit-1");   // …corrected back

        Assert.Equal(first.ReminderId, back.ReminderId);
        Assert.Equal((ReminderStatus.Skipped, SkipReason.AlreadySent), (back.Status, back.Reason));
        Assert.Empty(await bed.DueRowsAsync());
        AssertCounts(await bed.SweepAsync());
        Assert.Equal(1, bed.Sends.Total);
    }

    [Fact]
    public async Task Two_sessions_on_the_same_day_send_one_email()
    {
        await using var bed = Create(azurite);
        var clinic = await bed.AddClinicAsync("c1");
        var injection = bed.InjectionWithReminderDaysAgo(clinic, 1);
        await bed.RegisterAsync(clinic, "p1", injection, sessionId: "left-side");
        await bed.RegisterAsync(clinic, "p1", injection, sessionId: "right-side");

        AssertCounts(await bed.SweepAsync(), sent: 1, skipped: 1);

        Assert.Equal(1, bed.Sends.Total);
        var skipped = await bed.SessionAsync("c1", "p1", "left-side");
        Assert.Equal((ReminderStatus.Skipped, SkipReason.Superseded), (skipped.Status, skipped.Reason));
        Assert.Equal(ReminderStatus.Sent, (await bed.SessionAsync("c1", "p1", "right-side")).Status);
    }
}
