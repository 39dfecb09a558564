using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Reminders.Clinics;
using Reminders.Configuration;
using Reminders.Patients;
using Reminders.Plan;
using Reminders.Storage;

namespace Reminders.Sweep;

/// <summary>
/// Once a day (UTC), checks every pending reminder's due row and recreates the ones that are missing, so no pending
/// reminder waits unseen for longer than one reconcile. It walks the clinics' pending markers: its cost follows the
/// number of pending reminders, never the rows stored. Bounded in time; what is left continues in the next sweep.
/// Due rows whose reminder moved on are removed by the sweep when they come due, before anything is sent.
/// </summary>
public sealed class DueIndexReconciler(
    ReminderTables tables, MetaRows meta, PatientRecords records, DueIndex dueIndex, IOptions<RemindersOptions> options, TimeProvider time,
    ILogger<DueIndexReconciler> logger)
{
    private const string StateRow = "reconcile";
    private const int InFlight = 16;

    public sealed record Result(string Day, int Checked, int Recreated, int MarkersRemoved, bool Complete);

    /// <summary>Runs (or continues) today's reconcile; null when today's is already complete.</summary>
    public async Task<Result?> RunIfDueAsync(IReadOnlyDictionary<string, Clinic> clinics, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var today = DateOnly.FromDateTime(now.UtcDateTime).ToString("yyyy-MM-dd");
        var state = await meta.GetAsync(StateRow, ct);
        var fresh = state.GetString("Day") != today;
        if (!fresh && state.GetString("NextClinic") is null) return null;
        var nextClinic = fresh ? null : state.GetString("NextClinic");
        var after = fresh ? null : state.GetString("After");

        var deadline = now + options.Value.ReconcileTimeBudget;
        var horizon = options.Value.ReconcileHorizonDays > 0
            ? DateOnly.FromDateTime(now.UtcDateTime).AddDays(options.Value.ReconcileHorizonDays).ToString("yyyy-MM-dd")
            : null;
        int checkedCount = fresh ? 0 : state.GetInt32("Checked") ?? 0, recreated = fresh ? 0 : state.GetInt32("Recreated") ?? 0,
            removed = fresh ? 0 : state.GetInt32("MarkersRemoved") ?? 0;
        foreach (var clinicId in clinics.Keys.Order(StringComparer.Ordinal).SkipWhile(id => nextClinic is not null && string.CompareOrdinal(id, nextClinic) < 0))
        {
            var resumeAfter = clinicId == nextClinic ? after : null;
            var batch = new List<PendingMarker>(InFlight);
            await foreach (var marker in records.RowsWithPrefixAsync<PendingMarker>(clinicId, PendingMarker.Prefix, resumeAfter, ct))
            {
                if (horizon is not null && marker.DuePartition.Length >= 10 && string.CompareOrdinal(marker.DuePartition[..10], horizon) > 0) continue;
                batch.Add(marker);
                if (batch.Count < InFlight) continue;
                await CheckAsync(batch);
                if (time.GetUtcNow() >= deadline) return await SaveAsync(clinicId, batch[^1].RowKey);
                batch.Clear();
            }
            await CheckAsync(batch);
            if (time.GetUtcNow() >= deadline && batch.Count > 0) return await SaveAsync(clinicId, batch[^1].RowKey);
        }
        return await SaveAsync(null, null);

        async Task CheckAsync(List<PendingMarker> markers)
        {
            var outcomes = await Task.WhenAll(markers.Select(m => CheckOneAsync(clinics[m.PartitionKey], m, ct)));
            checkedCount += markers.Count;
            recreated += outcomes.Count(o => o == Repair.Recreated);
            removed += outcomes.Count(o => o == Repair.MarkerRemoved);
        }

        async Task<Result> SaveAsync(string? clinic, string? last)
        {
            var row = new TableEntity(MetaRows.Partition, StateRow)
            {
                ["Day"] = today, ["NextClinic"] = clinic, ["After"] = last,
                ["Checked"] = checkedCount, ["Recreated"] = recreated, ["MarkersRemoved"] = removed,
            };
            row.ETag = state.ETag;
            row.Timestamp = state.Timestamp;
            await meta.TryPutAsync(row, ct); // lost to a concurrent sweep: it reconciles the same rows
            var result = new Result(today, checkedCount, recreated, removed, clinic is null);
            logger.LogInformation(
                "Due-index reconcile {Day} {Progress}: {Checked} pending reminders checked, {Recreated} due rows recreated, {Removed} stale markers removed",
                today, clinic is null ? "complete" : "paused (continues next sweep)", checkedCount, recreated, removed);
            return result;
        }
    }

    private enum Repair { None, Recreated, MarkerRemoved }

    private async Task<Repair> CheckOneAsync(Clinic clinic, PendingMarker marker, CancellationToken ct)
    {
        var rowKey = DueEntity.RowFor(marker.PartitionKey, marker.PatientId, marker.SessionId);
        if (marker.DuePartition.Length > 0)
        {
            var due = await tables.Due.GetEntityIfExistsAsync<DueEntity>(marker.DuePartition, rowKey, cancellationToken: ct);
            if (due.HasValue && due.Value!.ReminderId == marker.ReminderId) return Repair.None;
        }

        for (var attempt = 0; attempt < 5; attempt++)
        {
            var session = (await records.LoadSessionAsync(clinic.Id, marker.PatientId, marker.SessionId, ct)).Session(marker.SessionId);
            if (session is null || !session.IsPending)
            {
                // A marker outliving its reminder (cannot happen through the transactions that write both; repaired anyway).
                var batch = records.NewBatch().Delete(marker.PartitionKey, marker.RowKey, marker.ETag);
                return await batch.TrySubmitAsync(ct) ? Repair.MarkerRemoved : Repair.None;
            }
            await dueIndex.PutAsync(session, ct);
            if (await records.TrySaveSessionAsync(session, ct)) return Repair.Recreated;
            // The session changed meanwhile (an erasure, a re-post): take back the row just written; it may name an erased patient.
            await dueIndex.TryRemoveAsync(session, ct);
        }
        return Repair.None;
    }
}
