using System.Collections.Concurrent;
using Reminders.Unsubscribe;

namespace Reminders.Sweep;

/// <summary>What the reminders of one dispatch share: the run id, and each clinic's opt-outs read once.</summary>
internal sealed class DispatchContext(string runId, OptOuts optOuts)
{
    private readonly ConcurrentDictionary<string, Lazy<Task<OptOutSet>>> _optOuts = new(StringComparer.Ordinal);

    public string RunId => runId;

    public Task<OptOutSet> OptOutsAsync(string clinicId, CancellationToken ct) =>
        _optOuts.GetOrAdd(clinicId, id => new Lazy<Task<OptOutSet>>(() => optOuts.LoadClinicAsync(id, ct))).Value;
}
