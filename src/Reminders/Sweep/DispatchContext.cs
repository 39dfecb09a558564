using System.Collections.Concurrent;
using Reminders.Unsubscribe;

namespace Reminders.Sweep;

/// <summary>
/// What the reminders of one dispatch share: the run id, each clinic's opt-outs read once, and the due rows they
/// finished with, which the dispatcher deletes together (one transaction per due partition).
/// </summary>
internal sealed class DispatchContext(string runId, OptOuts optOuts)
{
    private readonly ConcurrentDictionary<string, Lazy<Task<OptOutSet>>> _optOuts = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<Plan.DueEntity> _finished = new();

    /// <summary>The reminder behind this due row is settled (or the row is stale): delete it, with the ETag it was read with.</summary>
    public void Finished(Plan.DueEntity due) => _finished.Enqueue(due);

    public IReadOnlyList<Plan.DueEntity> TakeFinished()
    {
        var rows = new List<Plan.DueEntity>();
        while (_finished.TryDequeue(out var row)) rows.Add(row);
        return rows;
    }

    public string RunId => runId;

    private readonly ConcurrentDictionary<string, SemaphoreSlim> _patients = new(StringComparer.Ordinal);

    /// <summary>
    /// One patient's reminders are settled one at a time in a dispatch, so the second sees the first's email (the
    /// frequency cap); different patients' go side by side.
    /// </summary>
    public async Task<IDisposable> PatientTurnAsync(string clinicId, string patientId, CancellationToken ct)
    {
        var turn = _patients.GetOrAdd(clinicId + "|" + patientId, _ => new SemaphoreSlim(1, 1));
        await turn.WaitAsync(ct);
        return new Release(turn);
    }

    private sealed class Release(SemaphoreSlim turn) : IDisposable
    {
        public void Dispose() => turn.Release();
    }

    public async Task<OptOutSet> OptOutsAsync(string clinicId, CancellationToken ct)
    {
        // Reminders in flight share one read per clinic, so one failed read would fail every reminder waiting on it. A
        // failed read is therefore not kept, and each waiter reads once more: one hiccup costs no reminder, and storage
        // that stays down costs each reminder two reads before it is deferred.
        for (var attempt = 1; ; attempt++)
        {
            var entry = _optOuts.GetOrAdd(clinicId, id => new Lazy<Task<OptOutSet>>(() => optOuts.LoadClinicAsync(id, ct)));
            try
            {
                return await entry.Value;
            }
            catch (Exception) when (!ct.IsCancellationRequested)
            {
                _optOuts.TryRemove(new KeyValuePair<string, Lazy<Task<OptOutSet>>>(clinicId, entry));
                if (attempt == 2) throw;
            }
        }
    }
}
