using Azure.Data.Tables;
using Reminders.Plan;
using Reminders.Tests.Infrastructure;
using static Reminders.Tests.Sweep.SweepTestBed;

namespace Reminders.Tests.Sweep;

/// <summary>The due index only points at sessions; a row whose session moved on is cleaned up and sends nothing.</summary>
public sealed class DueIndexCleanupTests(Azurite azurite)
{
    [Fact]
    public async Task A_due_row_left_for_a_reminder_already_sent_is_removed_once_older_than_a_lease_and_sends_nothing()
    {
        await using var bed = Create(azurite);
        var clinic = await bed.AddClinicAsync("c1");
        var session = await bed.RegisterAsync(clinic, "p1", bed.InjectionWithReminderDaysAgo(clinic, 1));
        AssertCounts(await bed.SweepAsync(), sent: 1);
        // As if the sweep had crashed between recording "Sent" and deleting the row.
        var record = await bed.Records.LoadAsync("c1", "p1", Ct);
        await bed.DueIndex.PutAsync(Assert.Single(record.Sessions), Ct);
        Assert.Single(await bed.DueRowsAsync());

        // Younger than a lease it stays: a cancelled reminder being revived gets the very same row back first.
        AssertCounts(await bed.SweepAsync());
        Assert.Single(await bed.DueRowsAsync());
        bed.Time.Advance(TimeSpan.FromMinutes(11));
        AssertCounts(await bed.SweepAsync());

        Assert.Empty(await bed.DueRowsAsync());
        Assert.Equal(1, bed.Sends.CallsFor(session.ReminderId));
        Assert.Equal(ReminderStatus.Sent, (await bed.SessionAsync("c1", "p1")).Status);
    }

    [Fact]
    public async Task A_due_row_for_a_redated_session_is_removed_once_older_than_a_lease_and_sends_nothing()
    {
        await using var bed = Create(azurite);
        var clinic = await bed.AddClinicAsync("c1");
        await bed.RegisterAsync(clinic, "p1", bed.InjectionWithReminderDaysAgo(clinic, 1), sessionId: "visit-1");
        var oldRow = Assert.Single(await bed.DueRowsAsync());
        bed.Time.Advance(TimeSpan.FromMinutes(1));
        var redated = await bed.RegisterAsync(clinic, "p1", bed.InjectionWithReminderDaysAgo(clinic, -10), sessionId: "visit-1");
        Assert.NotEqual(oldRow.ReminderId, redated.ReminderId);
        // As if the re-registration had crashed before deleting the old row: put it back, written just now.
        oldRow.CreatedAt = bed.Time.GetUtcNow();
        await bed.Tables.Due.UpsertEntityAsync(oldRow, TableUpdateMode.Replace, Ct);

        // Younger than a lease, the row is left alone: a registration may be between writing it and its session.
        AssertCounts(await bed.SweepAsync());
        Assert.Contains(await bed.DueRowsAsync(), d => d.ReminderId == oldRow.ReminderId);

        bed.Time.Advance(TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(1));
        AssertCounts(await bed.SweepAsync());

        var row = Assert.Single(await bed.DueRowsAsync());
        Assert.Equal(redated.ReminderId, row.ReminderId);
        Assert.Equal(redated.ReminderDate.ToString("yyyy-MM-dd"), row.ReminderDate);
        Assert.Equal(0, bed.Sends.Total);
        var session = await bed.SessionAsync("c1", "p1");
        Assert.Equal((ReminderStatus.Pending, redated.ReminderId), (session.Status, session.ReminderId));
    }

    [Fact]
    public async Task A_due_row_whose_session_was_never_saved_is_removed_after_the_lease()
    {
        await using var bed = Create(azurite);
        var clinic = await bed.AddClinicAsync("c1");
        await bed.RegisterAsync(clinic, "p1", bed.InjectionWithReminderDaysAgo(clinic, 3), sessionId: "s1");
        // A registration of session s2 that died after writing its due row.
        var reminderDate = bed.Today(clinic).AddDays(-1);
        await bed.Tables.Due.UpsertEntityAsync(new DueEntity
        {
            PartitionKey = bed.DueIndex.PartitionFor(reminderDate, "c1", "p1"),
            RowKey = DueEntity.RowFor("c1", "p1", "s2"),
            ClinicId = "c1", PatientId = "p1", SessionId = "s2",
            ReminderId = ReminderIdentity.For("c1", "p1", "s2", reminderDate),
            CreatedAt = bed.Time.GetUtcNow(),
        }, TableUpdateMode.Replace, Ct);

        AssertCounts(await bed.SweepAsync(), sent: 1); // s1 only
        Assert.Contains(await bed.DueRowsAsync(), d => d.SessionId == "s2");

        bed.Time.Advance(TimeSpan.FromMinutes(11));
        AssertCounts(await bed.SweepAsync());

        Assert.Empty(await bed.DueRowsAsync());
        Assert.Equal(1, bed.Sends.Total);
        Assert.Equal("s1", Assert.Single((await bed.Patients.FindAsync("c1", "p1", Ct))!.Sessions).SessionId);
    }
}
