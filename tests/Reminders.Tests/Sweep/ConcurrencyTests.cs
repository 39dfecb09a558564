using Reminders.Email;
using Reminders.Plan;
using Reminders.Tests.Infrastructure;
using static Reminders.Tests.Sweep.SweepTestBed;

namespace Reminders.Tests.Sweep;

/// <summary>Repeated, crashed and overlapping sweeps: no reminder is sent twice and none is lost.</summary>
public sealed class ConcurrencyTests(Azurite azurite)
{
    private static readonly SendBehaviour Interleaving = async call =>
    {
        await Task.Yield();
        return await call.SendForReal();
    };

    [Fact]
    public async Task Two_overlapping_sweeps_send_each_of_40_reminders_exactly_once()
    {
        await using var first = Create(azurite, send: Interleaving);
        await using var second = first.Twin(send: Interleaving);
        var clinic = await first.AddClinicAsync("c1");
        var reminders = new List<Guid>();
        for (var i = 0; i < 40; i++)
            reminders.Add((await first.RegisterAsync(clinic, $"p{i:00}", first.InjectionWithReminderDaysAgo(clinic, i % 5))).ReminderId);

        var results = await Task.WhenAll(first.SweepAsync(), second.SweepAsync());

        Assert.NotEqual(results[0].RunId, results[1].RunId);
        Assert.Equal(40, results[0].Sent + results[1].Sent);
        Assert.All(results, r => Assert.Equal((0, 0, 0, 0), (r.Skipped, r.Expired, r.Failed, r.Deferred)));
        Assert.Equal(reminders.Order(), first.Sends.CallsPerReminder.Keys.Order());
        Assert.All(first.Sends.CallsPerReminder, kv => Assert.True(kv.Value == 1, $"reminder {kv.Key} was sent {kv.Value} times"));
        Assert.Equal(40, first.OutboxFiles().Length);
        for (var i = 0; i < 40; i++)
            Assert.Equal(ReminderStatus.Sent, (await first.SessionAsync("c1", $"p{i:00}")).Status);
        Assert.Empty(await first.DueRowsAsync());

        var again = await Task.WhenAll(first.SweepAsync(), second.SweepAsync());
        Assert.All(again, r => AssertCounts(r));
        Assert.Equal(40, first.Sends.Total);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("00:02:00")]
    public async Task A_claim_left_by_a_crashed_sweep_is_taken_over_after_the_lease_under_the_same_reminder_id(string? lease)
    {
        var settings = lease is null ? null : new Dictionary<string, string?> { ["Reminders:ClaimLease"] = lease };
        var leaseTime = lease is null ? TimeSpan.FromMinutes(10) : TimeSpan.Parse(lease);
        await using var bed = Create(azurite, settings: settings, send: async call =>
        {
            var result = await call.SendForReal();
            // The first attempt dies after the email left but before the outcome was recorded.
            if (call.NumberForThisReminder == 1) throw new SimulatedCrash();
            return result;
        });
        var clinic = await bed.AddClinicAsync("c1");
        var session = await bed.RegisterAsync(clinic, "p1", bed.InjectionWithReminderDaysAgo(clinic, 0));

        // The sweep survives its parts: the failure is counted, and the reminder's ledger claim stays in flight.
        Assert.Equal(1, (await bed.SweepAsync()).Errors);
        Assert.Equal(ReminderStatus.Pending, (await bed.SessionAsync("c1", "p1")).Status);
        Assert.Single(await bed.DueRowsAsync());

        // Within the lease the claim holds: another run leaves it alone.
        bed.Time.Advance(leaseTime - TimeSpan.FromSeconds(1));
        AssertCounts(await bed.SweepAsync());
        Assert.Equal(1, bed.Sends.CallsFor(session.ReminderId));

        bed.Time.Advance(TimeSpan.FromSeconds(1));
        AssertCounts(await bed.SweepAsync(), sent: 1);

        Assert.Equal(2, bed.Sends.CallsFor(session.ReminderId));
        Assert.Equal([session.ReminderId], bed.Sends.Messages.Select(m => m.ReminderId).Distinct());
        Assert.Equal(bed.OutboxFileFor(session.ReminderId), Assert.Single(bed.OutboxFiles()));
        var sent = await bed.SessionAsync("c1", "p1");
        Assert.Equal(ReminderStatus.Sent, sent.Status);
        Assert.Equal(session.ReminderId, sent.ReminderId);
        Assert.Equal($"{session.ReminderId}@clinic.test", sent.MessageId);
        Assert.Empty(await bed.DueRowsAsync());
    }

    [Fact]
    public async Task A_send_that_dies_part_way_loses_nothing_and_sends_nothing_twice()
    {
        await using var bed = Create(azurite, send: call =>
            call.Number == 3 ? throw new SimulatedCrash() : call.SendForReal()); // dies before the third email leaves
        var clinic = await bed.AddClinicAsync("c1");
        var reminders = new List<Guid>();
        for (var i = 0; i < 5; i++)
            reminders.Add((await bed.RegisterAsync(clinic, $"p{i}", bed.InjectionWithReminderDaysAgo(clinic, 1))).ReminderId);

        // The failure of one send is counted and the run goes on for the others.
        var run = await bed.SweepAsync();
        AssertCounts(run, sent: 4, deferred: 1);
        Assert.Equal(1, run.Errors);
        var crashed = bed.Sends.Messages[2].ReminderId;
        Assert.Equal(4, bed.OutboxFiles().Length);

        // The next run leaves the crashed one's claim alone...
        AssertCounts(await bed.SweepAsync());
        Assert.Equal(1, bed.Sends.CallsFor(crashed));
        Assert.Equal([crashed], (await bed.DueRowsAsync()).Select(d => d.ReminderId));

        // ...which the first run after the lease takes over.
        bed.Time.Advance(TimeSpan.FromMinutes(10));
        AssertCounts(await bed.SweepAsync(), sent: 1);

        Assert.Equal(2, bed.Sends.CallsFor(crashed));
        Assert.All(reminders.Where(r => r != crashed), r => Assert.Equal(1, bed.Sends.CallsFor(r)));
        Assert.Equal(reminders.Select(r => bed.OutboxFileFor(r)).Order(), bed.OutboxFiles());
        for (var i = 0; i < 5; i++)
            Assert.Equal(ReminderStatus.Sent, (await bed.SessionAsync("c1", $"p{i}")).Status);
        AssertCounts(await bed.SweepAsync());
    }

    [Fact]
    public async Task A_sweep_overlapping_a_slow_send_leaves_the_claimed_reminder_to_it()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var claimed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var slow = Create(azurite, send: async call =>
        {
            claimed.TrySetResult();
            await release.Task;
            return await call.SendForReal();
        });
        await using var fast = slow.Twin();
        var clinic = await slow.AddClinicAsync("c1");
        var session = await slow.RegisterAsync(clinic, "p1", slow.InjectionWithReminderDaysAgo(clinic, 0));

        var slowRun = slow.SweepAsync();
        await claimed.Task;
        var fastRun = await fast.SweepAsync(); // runs entirely while the slow one holds the claim
        release.SetResult();
        var slowResult = await slowRun;

        AssertCounts(fastRun);
        AssertCounts(slowResult, sent: 1);
        Assert.Equal(1, slow.Sends.CallsFor(session.ReminderId));
        Assert.Equal(ReminderStatus.Sent, (await slow.SessionAsync("c1", "p1")).Status);
    }
}
