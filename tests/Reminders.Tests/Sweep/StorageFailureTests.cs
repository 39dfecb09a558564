using Azure;
using Reminders.Plan;
using Reminders.Tests.Infrastructure;
using static Reminders.Tests.Sweep.SweepTestBed;

namespace Reminders.Tests.Sweep;

public sealed class StorageFailureTests(Azurite azurite)
{
    [Fact]
    public async Task A_storage_error_on_one_reminder_defers_it_and_the_run_goes_on_for_the_others()
    {
        // The first patient's send hits a storage error (as a failed outcome write would); the other two go out.
        await using var bed = Create(azurite, send: call =>
            call.Message.To == "p1@example.com" && call.NumberForThisReminder == 1
                ? throw new RequestFailedException(503, "Server busy")
                : call.SendForReal());
        var clinic = await bed.AddClinicAsync("c1");
        foreach (var patient in new[] { "p1", "p2", "p3" })
            await bed.RegisterAsync(clinic, patient, bed.InjectionWithReminderDaysAgo(clinic, 1));

        AssertCounts(await bed.SweepAsync(), sent: 2, deferred: 1);
        Assert.Equal(ReminderStatus.Pending, (await bed.SessionAsync("c1", "p1")).Status);

        // Its claim holds until the lease ends; then the next run sends it, once.
        AssertCounts(await bed.SweepAsync());
        bed.Time.Advance(TimeSpan.FromMinutes(11));
        AssertCounts(await bed.SweepAsync(), sent: 1);
        Assert.Equal(3, bed.OutboxFiles().Length);
    }
}
