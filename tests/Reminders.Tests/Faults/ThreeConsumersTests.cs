using Microsoft.Extensions.DependencyInjection;
using Reminders.Plan;
using Reminders.Tests.Infrastructure;
using static Reminders.Tests.Sweep.SweepTestBed;

namespace Reminders.Tests.Faults;

/// <summary>
/// Three Server processes consume one dispatch queue under one provider quota kept in storage. Every reminder is sent
/// once, no sliding minute holds more sends than the quota, and the work spreads over the consumers. The clocks run
/// twice as fast as real time (all three agree on it). Faster would stretch the time between reserving a send and
/// sending it beyond the quota window's two seconds of slack, which is a property of the test, not of the service.
/// Sizes: REMINDERS_SCALEOUT_DUE and REMINDERS_SCALEOUT_PER_MINUTE (the bench runs 5,000 at 1,000 a minute).
/// </summary>
public sealed class ThreeConsumersTests(Azurite azurite)
{
    private const double Speed = 2;

    [Fact]
    public async Task Three_consumers_on_one_queue_send_every_reminder_once_within_the_shared_quota()
    {
        var due = int.Parse(Environment.GetEnvironmentVariable("REMINDERS_SCALEOUT_DUE") ?? "300");
        var perMinute = int.Parse(Environment.GetEnvironmentVariable("REMINDERS_SCALEOUT_PER_MINUTE") ?? "200");
        await using var bed = Create(azurite, settings: new Dictionary<string, string?> { ["Email:MaxPerMinute"] = perMinute.ToString() });
        var clinic = await bed.AddClinicAsync("c1", window: new Reminders.Clinics.SendWindow(0, 24 * 60));
        var sessions = new List<(string Patient, Guid Reminder)>();
        var registrations = Enumerable.Range(0, due).Select(i => new Reminders.Sessions.ValidSession(
            $"p{i:0000}", $"p{i:0000}@example.com", null, bed.InjectionWithReminderDaysAgo(clinic, i % 3), "s1", null)).ToList();
        foreach (var chunk in registrations.Chunk(500))
        {
            var outcomes = await bed.Services.GetService<Reminders.Sessions.SessionBatchRegistration>()!.RegisterAsync(clinic, chunk, Ct);
            sessions.AddRange(outcomes.Select(o => (o!.Session!.PatientId, o.Session.ReminderId)));
        }

        var settings = bed.Settings.ToConfiguration();
        settings["Email:MaxPerMinute"] = perMinute.ToString();
        var folder = Directory.CreateTempSubdirectory("reminders-consumers-").FullName;
        var journals = Enumerable.Range(0, 3).Select(i => Path.Combine(folder, $"consumer-{i}.log")).ToList();
        var anchor = DateTimeOffset.UtcNow.AddSeconds(1);
        var hosts = new List<FaultHostProcess>();
        foreach (var journal in journals)
            hosts.Add(await FaultHostProcess.StartAsync(settings, TestClock.Start, 0, journal, anchor, Speed));
        try
        {
            // Plan (as the schedule would), then again every simulated 11 minutes while anything is left: a message
            // whose quota ran out leaves its reminders pending until their plan's lease ends.
            var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(5);
            while (DateTime.UtcNow < deadline)
            {
                bed.Time.SetUtcNow(TestClock.Start + (DateTimeOffset.UtcNow - anchor) * Speed);
                await bed.Sweep.PlanAsync(Ct);
                var wait = DateTime.UtcNow + TimeSpan.FromSeconds(11 * 60 / Speed);
                while (DateTime.UtcNow < wait && (await bed.DueRowsAsync()).Count > 0) await Task.Delay(200, Ct);
                if ((await bed.DueRowsAsync()).Count == 0) break;
            }
        }
        finally
        {
            foreach (var host in hosts) await host.DisposeAsync();
        }

        var read = journals.Select(j => FaultJournal.Read(j, bed.Settings.TablePrefix + "Ledger")).ToList();
        var handed = read.SelectMany(j => j.Handed).ToList();
        // Every reminder once, and recorded Sent.
        Assert.Equal(sessions.Select(s => s.Reminder).Order(), handed.Order());
        foreach (var (patient, _) in sessions.Take(50))
            Assert.Equal(ReminderStatus.Sent, (await bed.SessionAsync("c1", patient)).Status);
        // No sliding minute (by the consumers' shared clock) holds more than the quota.
        var times = read.SelectMany(j => j.HandedAt).Order().ToList();
        var busiest = 0;
        for (int i = 0, j = 0; i < times.Count; i++)
        {
            while (times[i] - times[j] >= TimeSpan.FromMinutes(1)) j++;
            busiest = Math.Max(busiest, i - j + 1);
        }
        Assert.True(busiest <= perMinute, $"{busiest} sends in one sliding minute, quota {perMinute}");
        var perConsumer = read.Select(j => j.Handed.Count).ToList();
        Assert.True(perConsumer.Count(c => c > 0) >= 2, $"the work should spread over the consumers: {string.Join(", ", perConsumer)}");

        var report = $"{due} reminders, quota {perMinute}/minute, 3 consumers: sent once each ({handed.Count}), busiest sliding minute {busiest}, " +
                     $"per consumer {string.Join(" / ", perConsumer)}, over {(times[^1] - times[0]).TotalMinutes:F1} simulated minutes";
        TestContext.Current.TestOutputHelper?.WriteLine(report);
        File.AppendAllText(Path.Combine(Path.GetTempPath(), "reminders-scaleout-report.txt"), $"{DateTimeOffset.UtcNow:O} {report}\n");
        Directory.Delete(folder, recursive: true);
    }
}
