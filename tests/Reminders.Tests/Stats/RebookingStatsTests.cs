using System.Text.RegularExpressions;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Reminders.CheckIn;
using Reminders.Stats;
using Reminders.Tests.Infrastructure;
using Reminders.Tests.Sweep;
using static Reminders.Tests.Sweep.SweepTestBed;

namespace Reminders.Tests.Stats;

/// <summary>
/// The rebooking statistics on Azurite with a fake clock: who was reminded, who came back within 30 and 60 days and
/// how fast, by check-in answer; erasure takes a patient out; the cost is one range query and two point reads per
/// patient reminded, whatever else the clinic holds.
/// </summary>
public sealed class RebookingStatsTests(Azurite azurite)
{
    [Fact]
    public async Task Patients_reminded_and_rebooked_within_30_and_60_days_with_the_median_and_by_check_in_answer()
    {
        var gate = new StorageGate();
        await using var bed = Create(azurite, gate: gate);
        var clinic = await bed.AddClinicAsync("c1");
        var other = await bed.AddClinicAsync("c2");
        var sentOn = bed.Today(clinic);
        foreach (var p in new[] { "p1", "p2", "p3", "p4" })
            await bed.RegisterAsync(clinic, p, bed.InjectionWithReminderDaysAgo(clinic, 0), sessionId: "s1");
        await bed.RegisterAsync(other, "q1", bed.InjectionWithReminderDaysAgo(other, 0), sessionId: "s1");
        AssertCounts(await bed.SweepAsync(), sent: 5);
        // p4 answers "not yet" from the email it got.
        var p4Email = bed.Sends.Messages.Single(m => m.To == "p4@example.com");
        var token = Regex.Match(p4Email.TextBody, @"check-in\?token=([A-Za-z0-9_-]+)&answer=notYet").Groups[1].Value;
        await bed.Services.GetRequiredService<CheckInPages>().HandleAsync(token, CheckInAnswer.NotYet, act: true, 4, Ct);

        // p1 comes back after 20 days, p2 after 45, p4 after 70; p3 does not.
        foreach (var (days, patient) in new[] { (20, "p1"), (25, "p2"), (25, "p4") })
        {
            bed.Time.Advance(TimeSpan.FromDays(days));
            await bed.RegisterAsync(clinic, patient, bed.Today(clinic), sessionId: "s2");
        }

        var stats = bed.Services.GetRequiredService<RebookingStats>();
        var before = gate.Calls.Count;
        var report = await stats.ComputeAsync("c1", sentOn, sentOn, Ct);
        var calls = gate.Calls.Count - before;

        Assert.Equal((4, 4, 1, 2, (double?)45), (report.RemindersSent, report.PatientsReminded, report.RebookedWithin30Days, report.RebookedWithin60Days, report.MedianDaysToRebook));
        Assert.Equal([new("none", 3, 1, 2, 32.5), new RebookingStats.Figures("notYet", 1, 0, 0, 70)], report.ByCheckIn);
        Assert.Equal("1", Assert.Single(report.ByStep).Key);
        Assert.Equal(sentOn.DayOfWeek.ToString(), Assert.Single(report.ByWeekday).Key);
        Assert.Equal(1 + 2 * 4, calls); // one range query, then the patient row and the reminded session of each
        Assert.Equal(0, (await stats.ComputeAsync("c1", sentOn.AddDays(1), sentOn.AddDays(90), Ct)).RemindersSent);
    }

    [Fact]
    public async Task Erasing_a_patient_takes_them_out_of_the_statistics_and_leaves_no_row_naming_them()
    {
        await using var bed = Create(azurite);
        var clinic = await bed.AddClinicAsync("c1");
        await bed.RegisterAsync(clinic, "p1", bed.InjectionWithReminderDaysAgo(clinic, 0), sessionId: "s1");
        await bed.RegisterAsync(clinic, "p2", bed.InjectionWithReminderDaysAgo(clinic, 0), sessionId: "s1");
        AssertCounts(await bed.SweepAsync(), sent: 2);
        var today = bed.Today(clinic);

        Assert.True(await bed.Patients.EraseAsync("c1", "p1", Ct));

        var report = await bed.Services.GetRequiredService<RebookingStats>().ComputeAsync("c1", today, today, Ct);
        Assert.Equal((1, 1), (report.RemindersSent, report.PatientsReminded));
        await foreach (var row in bed.Tables.Patients.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {"c1"}"), cancellationToken: Ct))
            Assert.DoesNotContain("p1", string.Join("|", row.RowKey, row.GetString("PatientId")));
    }
}
