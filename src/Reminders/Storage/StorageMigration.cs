using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Reminders.Clinics;
using Reminders.Ledger;
using Reminders.Patients;
using Reminders.Plan;
using Reminders.Unsubscribe;

namespace Reminders.Storage;

/// <summary>
/// Carries data written before the send ledger (storage schema 1) over to schema 2, once, with no manual step: the
/// first sweep runs it and records the version. Every step can be repeated, so a crash part-way only means the next
/// sweep goes over the same rows again. Until it is done, the service reads the old rows correctly. Instances of the
/// previous release must be stopped first (they claim on session rows, which this release does not read).
/// <list type="bullet">
/// <item>each pending session gets its pending marker and a due row in the sharded index (the old row goes); a claim it
/// held becomes an attempt in flight in the ledger;</item>
/// <item>each reminder id a session remembers as sent becomes an Accepted ledger entry (create-only);</item>
/// <item>each patient row gets the summary of its sessions, so reads by key suffice from then on;</item>
/// <item>accepted-but-unsettled ACS operations move from the Unsettled table into markers beside their session;</item>
/// <item>unkeyed opt-out rows are re-keyed where the patient's address on file still matches.</item>
/// </list>
/// </summary>
public sealed class StorageMigration(
    ReminderTables tables, MetaRows meta, ClinicDirectory clinics, PatientRecords records, DueIndex dueIndex, SendLedger ledger,
    AddressHashes hashes, Email.IEmailSender sender, ILogger<StorageMigration> logger)
{
    public const int CurrentVersion = 2;
    private const string SchemaRow = "schema";
    private volatile bool _done;

    public async Task EnsureMigratedAsync(CancellationToken ct)
    {
        if (_done) return;
        var schema = await meta.GetAsync(SchemaRow, ct);
        if ((schema.GetInt32("Version") ?? 1) >= CurrentVersion)
        {
            _done = true;
            return;
        }
        var all = await clinics.ListAsync(ct);
        int sessions = 0, ledgerEntries = 0, unsettled = 0, optOuts = 0;
        foreach (var clinic in all.Clinics.Values)
            (sessions, ledgerEntries) = Add((sessions, ledgerEntries), await MigrateClinicAsync(clinic, ct));
        unsettled = await MigrateUnsettledAsync(ct);
        await RemoveUnshardedDueRowsAsync(ct);
        optOuts = await RekeyOptOutsAsync(ct);

        schema["Version"] = CurrentVersion;
        await meta.TryPutAsync(schema, ct);
        _done = true;
        if (sessions + ledgerEntries + unsettled + optOuts > 0)
            logger.LogInformation(
                "Storage migrated to schema {Version}: {Sessions} pending reminders re-indexed, {Ledger} sent reminders entered in the ledger, {Unsettled} unsettled deliveries moved, {OptOuts} opt-outs re-keyed",
                CurrentVersion, sessions, ledgerEntries, unsettled, optOuts);
    }

    private static (int, int) Add((int, int) a, (int, int) b) => (a.Item1 + b.Item1, a.Item2 + b.Item2);

    private async Task<(int Sessions, int Ledger)> MigrateClinicAsync(Clinic clinic, CancellationToken ct)
    {
        int sessions = 0, entries = 0;
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {clinic.Id} and RowKey lt {"~"}");
        // Rows come in key order: a patient row ("p|"), then its sessions ("p|s"). A patient row without the summary
        // of its sessions gets it once all of them have been seen.
        PatientEntity? patient = null;
        var seen = new List<SessionSummary>();
        async Task SummariseAsync()
        {
            if (patient is null || patient.Sessions is not null) return;
            patient.Track(seen, "", null);
            try
            {
                await tables.Patients.UpdateEntityAsync(patient, patient.ETag, TableUpdateMode.Replace, ct);
            }
            catch (Azure.RequestFailedException e) when (e.IsConflict() || e.IsNotFound())
            {
                // Rewritten meanwhile by new code, which writes the summary itself.
            }
        }
        await foreach (var row in tables.Patients.QueryAsync<TableEntity>(filter, cancellationToken: ct))
        {
            if (row.RowKey.EndsWith('|'))
            {
                await SummariseAsync();
                patient = EntityMapper.To<PatientEntity>(row);
                seen = [];
                continue;
            }
            var session = EntityMapper.To<SessionEntity>(row);
            if (patient is not null && session.PatientId == patient.PatientId) seen.Add(SessionSummary.Of(session));
            foreach (var id in (session.SentReminderIds ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries))
            {
                if (!Guid.TryParse(id, out var reminderId)) continue;
                await ledger.RecordHistoricAcceptanceAsync(reminderId, reminderId == session.ReminderId ? session.MessageId : null,
                    session.SentAt ?? session.UpdatedAt, ct);
                entries++;
            }
            if (!session.IsPending || session.HasPendingMarker) continue;
            // A claim schema 1 held on the session (a send in progress, or one that died): the ledger respects it while
            // it lasts and treats its outcome as unclear after. Schema 1 sent with today's provider and the same ids.
            if (row.GetString("ClaimedBy") is { Length: > 0 } || row.GetInt32("Attempts") is > 0)
                await ledger.RecordHistoricClaimAsync(session.ReminderId, sender.Traits.Provider, row.GetInt32("Attempts") ?? 1,
                    row.GetDateTimeOffset("ClaimedUntil"), session.UpdatedAt, ct);

            // Before schema 2 a session's relief was not marked explicit: one that differs from the clinic's was sent explicitly.
            session.ReliefDaysExplicit = session.ReliefDays != clinic.ReliefDays;
            var legacyPartition = session.DuePartition ?? session.ReminderDate;
            await dueIndex.PutAsync(session, ct);
            if (!await records.TrySaveSessionAsync(session, ct)) continue; // changed meanwhile: written by new code already
            if (legacyPartition != session.DuePartition)
                await tables.Due.TryDeleteAsync(legacyPartition, DueEntity.RowFor(clinic.Id, session.PatientId, session.SessionId), Azure.ETag.All, ct);
            sessions++;
        }
        await SummariseAsync();
        return (sessions, entries);
    }

    private async Task<int> MigrateUnsettledAsync(CancellationToken ct)
    {
        var moved = 0;
        try
        {
            await foreach (var row in tables.LegacyUnsettled.QueryAsync<TableEntity>(cancellationToken: ct))
            {
                var clinicId = row.GetString("ClinicId");
                var patientId = row.GetString("PatientId");
                var sessionId = row.GetString("SessionId");
                if (clinicId is not null && patientId is not null && sessionId is not null && Guid.TryParse(row.RowKey, out var reminderId) &&
                    (await records.LoadAsync(clinicId, patientId, ct)).Session(sessionId) is { } session && session.ReminderId == reminderId)
                {
                    await tables.Patients.UpsertEntityAsync(new UnsettledMarker
                    {
                        PartitionKey = clinicId, RowKey = UnsettledMarker.RowFor(patientId, reminderId), PatientId = patientId, SessionId = sessionId,
                        ReminderId = reminderId, ProviderMessageId = row.GetString("ProviderMessageId") ?? reminderId.ToString(),
                        AcceptedAt = row.GetDateTimeOffset("AcceptedAt") ?? DateTimeOffset.UtcNow,
                    }, TableUpdateMode.Replace, ct);
                    moved++;
                }
                await tables.LegacyUnsettled.TryDeleteAsync(row.PartitionKey, row.RowKey, Azure.ETag.All, ct);
            }
            await tables.LegacyUnsettled.DeleteAsync(ct);
        }
        catch (Azure.RequestFailedException e) when (e.IsNotFound())
        {
            // No such table: nothing to move.
        }
        return moved;
    }

    /// <summary>Due rows keyed by the bare date whose session was re-indexed above, or that point at nothing pending.</summary>
    private async Task RemoveUnshardedDueRowsAsync(CancellationToken ct)
    {
        await foreach (var due in tables.Due.QueryAsync<DueEntity>(cancellationToken: ct))
        {
            if (due.PartitionKey.Length != 10) continue;
            var session = (await records.LoadAsync(due.ClinicId, due.PatientId, ct)).Session(due.SessionId);
            if (session is { IsPending: true, HasPendingMarker: false }) continue; // not re-indexed yet (changed meanwhile): next sweep
            await dueIndex.TryRemoveAsync(due, ct);
        }
    }

    private async Task<int> RekeyOptOutsAsync(CancellationToken ct)
    {
        var rekeyed = 0;
        await foreach (var row in tables.OptOuts.QueryAsync<OptOutEntity>(cancellationToken: ct))
        {
            if (AddressHashes.IsKeyed(row.RowKey) || row.PatientId.Length == 0) continue;
            var patient = (await records.LoadAsync(row.PartitionKey, row.PatientId, ct)).Patient;
            if (patient is null || AddressHashes.Legacy(row.PartitionKey, patient.Email) != row.RowKey) continue;
            await tables.OptOuts.UpsertEntityAsync(new OptOutEntity
            {
                PartitionKey = row.PartitionKey, RowKey = hashes.Keyed(row.PartitionKey, patient.Email),
                OptedOut = row.OptedOut, ChangedAt = row.ChangedAt, PatientId = row.PatientId,
            }, TableUpdateMode.Replace, ct);
            await tables.OptOuts.TryDeleteAsync(row.PartitionKey, row.RowKey, row.ETag, ct);
            rekeyed++;
        }
        return rekeyed;
    }
}
