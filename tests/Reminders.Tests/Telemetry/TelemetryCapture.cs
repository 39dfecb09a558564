using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Reminders.Tests.Telemetry;

/// <summary>
/// In-memory exporters for traces, metrics and logs, plus a recording logger provider, registered on a host's services
/// before <c>AddRemindersTelemetry</c> (with <c>Telemetry:Enabled=true</c>) builds the providers.
/// </summary>
public sealed class TelemetryCapture
{
    private readonly List<Activity> _spans = [];
    private readonly List<MetricSnapshot> _metrics = [];
    private readonly List<LogRecord> _logRecords = [];

    public static readonly IReadOnlyDictionary<string, string?> Enabled = new Dictionary<string, string?> { ["Telemetry:Enabled"] = "true" };

    public RecordingLoggerProvider Logger { get; } = new();

    public void Register(IServiceCollection services)
    {
        services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(new LockedList<Activity>(_spans)));
        services.ConfigureOpenTelemetryMeterProvider(metrics => metrics.AddInMemoryExporter(new LockedList<MetricSnapshot>(_metrics)));
        services.ConfigureOpenTelemetryLoggerProvider(logging => logging.AddInMemoryExporter(new LockedList<LogRecord>(_logRecords)));
        services.AddSingleton<ILoggerProvider>(Logger);
    }

    /// <summary>Builds the providers (a bare service provider has no hosted service to do it) and exports what they hold.</summary>
    public void Flush(IServiceProvider services)
    {
        services.GetRequiredService<TracerProvider>().ForceFlush();
        services.GetRequiredService<MeterProvider>().ForceFlush();
        services.GetService<LoggerProvider>()?.ForceFlush();
    }

    /// <summary>Resolves the providers so they start listening (before the work to be observed).</summary>
    public static void Start(IServiceProvider services)
    {
        services.GetRequiredService<TracerProvider>();
        services.GetRequiredService<MeterProvider>();
    }

    public IReadOnlyList<Activity> Spans { get { lock (_spans) return _spans.ToList(); } }
    public IReadOnlyList<LogRecord> LogRecords { get { lock (_logRecords) return _logRecords.ToList(); } }

    /// <summary>The latest export of each metric (cumulative: the last one holds the totals).</summary>
    public IReadOnlyDictionary<string, MetricSnapshot> Metrics
    {
        get
        {
            lock (_metrics)
            {
                var latest = new Dictionary<string, MetricSnapshot>();
                foreach (var metric in _metrics) latest[metric.Name] = metric;
                return latest;
            }
        }
    }

    public IEnumerable<MetricPoint> Points(string metric, params (string Key, object Value)[] tags) =>
        Metrics.TryGetValue(metric, out var snapshot)
            ? snapshot.MetricPoints.Where(p => tags.All(t => Tag(p, t.Key) is { } value && value.Equals(t.Value?.ToString())))
            : [];

    public long Sum(string metric, params (string Key, object Value)[] tags) => Points(metric, tags).Sum(p => p.GetSumLong());

    public long HistogramCount(string metric, params (string Key, object Value)[] tags) => Points(metric, tags).Sum(p => p.GetHistogramCount());

    public static string? Tag(MetricPoint point, string key)
    {
        foreach (var tag in point.Tags)
            if (tag.Key == key) return tag.Value?.ToString();
        return null;
    }

    /// <summary>A list the exporters (on other threads) can add to while a test reads a copy.</summary>
    private sealed class LockedList<T>(List<T> inner) : ICollection<T>
    {
        public int Count { get { lock (inner) return inner.Count; } }
        public bool IsReadOnly => false;
        public void Add(T item) { lock (inner) inner.Add(item); }
        public void Clear() { lock (inner) inner.Clear(); }
        public bool Contains(T item) { lock (inner) return inner.Contains(item); }
        public void CopyTo(T[] array, int arrayIndex) { lock (inner) inner.CopyTo(array, arrayIndex); }
        public bool Remove(T item) { lock (inner) return inner.Remove(item); }
        public IEnumerator<T> GetEnumerator() { lock (inner) return inner.ToList().GetEnumerator(); }
        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
