using Azure.Data.Tables;
using Reminders.Ledger;
using Reminders.Patients;
using Reminders.Plan;
using Reminders.Unsubscribe;
using Reminders.Tests.Infrastructure;
using static Reminders.Tests.Sweep.SweepTestBed;

namespace Reminders.Tests.Sweep;

/// <summary>A store written by the previous release (schema 1) is carried over by the first sweep, with no manual step.</summary>
public sealed class MigrationTests(Azurite azurite)
{
    [Fact]
    public async Task Data_written_before_the_ledger_is_carried_over_by_the_first_sweep()
    {
        await using var bed = Create(azurite);
        var clinic = await bed.AddClinicAsync("c1");
        var today = bed.Today(clinic);
        await bed.Tables.EnsureCreatedAsync(Ct);

        // p1: a pending reminder as schema 1 wrote it (no marker, due row keyed by the bare date, its own reliefDays).
        var injection1 = today.AddDays(-(100 - 14));
        var pendingId = ReminderIdentity.For("c1", "p1", "s1", today);
        await Put(bed.Tables.Patients, Patient("p1", "p1@example.com"));
        await Put(bed.Tables.Patients, Session("p1", "s1", injection1, 100, today.AddDays(14), today, pendingId, "Pending"));
        await Put(bed.Tables.Due, new TableEntity(today.ToString("yyyy-MM-dd"), "c1|p1|s1")
        {
            ["ClinicId"] = "c1", ["PatientId"] = "p1", ["SessionId"] = "s1", ["ReminderId"] = pendingId, ["CreatedAt"] = bed.Time.GetUtcNow().AddDays(-80),
        });
        // p2: a reminder sent by schema 1 (remembered only on the session), accepted by ACS and not yet settled.
        var sentDate = today.AddDays(-3);
        var sentId = ReminderIdentity.For("c1", "p2", "s1", sentDate);
        await Put(bed.Tables.Patients, Patient("p2", "p2@example.com"));
        var sent = Session("p2", "s1", sentDate.AddDays(-76), 90, sentDate.AddDays(14), sentDate, sentId, "Sent");
        sent["SentReminderIds"] = sentId.ToString();
        sent["MessageId"] = sentId.ToString();
        await Put(bed.Tables.Patients, sent);
        await bed.Tables.LegacyUnsettled.CreateIfNotExistsAsync(Ct);
        await Put(bed.Tables.LegacyUnsettled, new TableEntity("unsettled", sentId.ToString())
        {
            ["ClinicId"] = "c1", ["PatientId"] = "p2", ["SessionId"] = "s1", ["ProviderMessageId"] = sentId.ToString(), ["AcceptedAt"] = bed.Time.GetUtcNow().AddDays(-1),
        });
        // p3: an opt-out stored under the unkeyed SHA-256 hash, with the patient id.
        await Put(bed.Tables.Patients, Patient("p3", "p3@example.com"));
        await Put(bed.Tables.OptOuts, new TableEntity("c1", AddressHashes.Legacy("c1", "p3@example.com"))
        {
            ["OptedOut"] = true, ["ChangedAt"] = bed.Time.GetUtcNow().AddDays(-10), ["PatientId"] = "p3",
        });

        var sweep = await bed.SweepAsync();

        AssertCounts(sweep, sent: 1);
        Assert.Equal(0, sweep.Errors);
        Assert.Equal(1, bed.Sends.CallsFor(pendingId));
        Assert.Equal(LedgerOutcome.Accepted, (await bed.Ledger.FindAsync(pendingId, Ct))!.Outcome);
        Assert.Empty(await bed.DueRowsAsync()); // the bare-date row is gone, the sharded one settled
        var p1 = (await bed.Records.LoadAsync("c1", "p1", Ct)).Session("s1")!;
        Assert.True(p1.ReliefDaysExplicit); // 100 is not the clinic's 90: it was the session's own
        // The reminder schema 1 sent is in the ledger now: posting it again can never send it twice.
        Assert.Equal(LedgerOutcome.Accepted, (await bed.Ledger.FindAsync(sentId, Ct))!.Outcome);
        var unsettled = Assert.Single(await Rows(bed.Tables.Patients, UnsettledMarker.Prefix));
        Assert.Equal(UnsettledMarker.RowFor("p2", sentId), unsettled.RowKey);
        await Assert.ThrowsAsync<Azure.RequestFailedException>(() => bed.Tables.LegacyUnsettled.GetEntityAsync<TableEntity>("unsettled", sentId.ToString(), cancellationToken: Ct));
        var optOut = Assert.Single(await Rows(bed.Tables.OptOuts, ""));
        Assert.StartsWith(AddressHashes.KeyedPrefix, optOut.RowKey);
        Assert.True((await bed.Patients.FindAsync("c1", "p3", Ct))!.OptedOut);
        Assert.Equal(StorageMigrationVersion, (await bed.Tables.Clinics.GetEntityAsync<TableEntity>("meta", "schema", cancellationToken: Ct)).Value.GetInt32("Version"));

        // Registering p2's sent session again (a date corrected and back) finds the ledger's record.
        await bed.RegisterAsync(clinic, "p2", sentDate.AddDays(-76), sessionId: "s1", email: "p2@example.com");
        AssertCounts(await bed.SweepAsync());
        Assert.Equal(0, bed.Sends.CallsFor(sentId));
    }

    private const int StorageMigrationVersion = Reminders.Storage.StorageMigration.CurrentVersion;

    private static TableEntity Patient(string id, string email) => new("c1", id + "|")
    {
        ["PatientId"] = id, ["Email"] = email, ["CreatedAt"] = DateTimeOffset.UtcNow, ["UpdatedAt"] = DateTimeOffset.UtcNow,
    };

    private static TableEntity Session(string patient, string session, DateOnly injection, int relief, DateOnly reliefEnds, DateOnly reminder, Guid id, string status) =>
        new("c1", $"{patient}|{session}")
        {
            ["PatientId"] = patient, ["SessionId"] = session, ["InjectionDate"] = injection.ToString("yyyy-MM-dd"), ["ReliefDays"] = relief,
            ["ReliefEndsOn"] = reliefEnds.ToString("yyyy-MM-dd"), ["ReminderDate"] = reminder.ToString("yyyy-MM-dd"), ["Cancelled"] = false,
            ["ReminderId"] = id, ["Status"] = status, ["Attempts"] = 0, ["ClaimedBy"] = null,
            ["CreatedAt"] = DateTimeOffset.UtcNow, ["UpdatedAt"] = DateTimeOffset.UtcNow,
        };

    private static Task Put(TableClient table, TableEntity row) => table.UpsertEntityAsync(row, TableUpdateMode.Replace, Ct);

    private static async Task<List<TableEntity>> Rows(TableClient table, string prefix)
    {
        var rows = new List<TableEntity>();
        await foreach (var row in table.QueryAsync<TableEntity>(cancellationToken: Ct))
            if (row.RowKey.StartsWith(prefix, StringComparison.Ordinal)) rows.Add(row);
        return rows;
    }
}
