using Reminders.Clinics;
using Reminders.Plan;

namespace Reminders.Sweep;

/// <summary>
/// Decides what a sweep works on, and in which order: every due row of a clinic that is inside its send window
/// (and not paused), clinics interleaved round-robin, the clinic whose window closes soonest first, each clinic's
/// oldest reminders first. A budget or quota that cannot serve everyone is then shared fairly, whatever the ids.
/// </summary>
public sealed class ReminderPlanner(DueIndex dueIndex, TimeProvider time)
{
    /// <param name="skipQueued">Leave out rows a scheduled sweep put on the dispatch queue and whose lease has not ended.</param>
    public async Task<IReadOnlyList<DueWork>> PlanAsync(IReadOnlyDictionary<string, Clinic> clinics, CancellationToken ct, bool skipQueued = false)
    {
        var now = time.GetUtcNow();
        // Partitions up to the latest local "today" among the clinics hold everything due anywhere; each row is then
        // checked against its own clinic's today. Later partitions (tomorrow's reminders) are not read at all.
        var todays = clinics.Values.ToDictionary(c => c.Id, c => c.Today(time), StringComparer.Ordinal);
        var latestToday = todays.Values.DefaultIfEmpty(DateOnly.FromDateTime(now.UtcDateTime)).Max();
        var open = new Dictionary<string, (Clinic Clinic, DateTimeOffset ClosesAt)>(StringComparer.Ordinal);
        foreach (var clinic in clinics.Values)
            if (!clinic.Paused && clinic.SendWindowClosesAt(time) is { } closesAt)
                open[clinic.Id] = (clinic, closesAt);

        var byClinic = new Dictionary<string, List<DueEntity>>(StringComparer.Ordinal);
        await foreach (var due in dueIndex.ReadThroughAsync(latestToday, ct))
        {
            // Outside its window or paused: not touched at all, not even expired.
            if (!open.ContainsKey(due.ClinicId)) continue;
            if (skipQueued && due.PlannedUntil > now) continue;
            if (string.CompareOrdinal(due.ReminderDate, todays[due.ClinicId].ToString("yyyy-MM-dd")) > 0) continue;
            if (!byClinic.TryGetValue(due.ClinicId, out var rows)) byClinic[due.ClinicId] = rows = [];
            rows.Add(due);
        }

        var queues = byClinic
            .OrderBy(kv => open[kv.Key].ClosesAt).ThenBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => new Queue<DueEntity>(kv.Value
                .OrderBy(d => d.ReminderDate, StringComparer.Ordinal).ThenBy(d => d.RowKey, StringComparer.Ordinal)))
            .ToList();
        var plan = new List<DueWork>(queues.Sum(q => q.Count));
        while (queues.Count > 0)
        {
            foreach (var queue in queues)
            {
                var due = queue.Dequeue();
                plan.Add(new DueWork(due, open[due.ClinicId].Clinic));
            }
            queues.RemoveAll(q => q.Count == 0);
        }
        return plan;
    }
}
