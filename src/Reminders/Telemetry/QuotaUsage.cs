using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Reminders.Telemetry;

/// <summary>
/// The provider quota's use as this instance last read it from storage (every reservation reads it), per resource.
/// The gauge reports that reading: no storage call when a metrics reader collects.
/// </summary>
public sealed class QuotaUsage
{
    private readonly ConcurrentDictionary<string, (int Minute, int Hour)> _last = new(StringComparer.Ordinal);

    public void Record(string resource, int usedInMinute, int usedInHour) => _last[resource] = (usedInMinute, usedInHour);

    internal IEnumerable<Measurement<int>> Observe()
    {
        foreach (var (resource, used) in _last)
        {
            yield return new(used.Minute, new(RemindersTelemetry.Tags.QuotaResource, resource), new(RemindersTelemetry.Tags.QuotaWindow, "minute"));
            yield return new(used.Hour, new(RemindersTelemetry.Tags.QuotaResource, resource), new(RemindersTelemetry.Tags.QuotaWindow, "hour"));
        }
    }
}
