using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Azure.Core;
using Azure.Core.Pipeline;

namespace Reminders.Bench;

/// <summary>
/// Counts and times every storage request by table and kind, and counts the rows the due-index queries return.
/// Sits per retry, next to the transport, so each HTTP round trip is one sample.
/// </summary>
internal sealed class RequestMeter(string tablePrefix) : HttpPipelinePolicy
{
    private readonly ConcurrentDictionary<string, Stat> _stats = new(StringComparer.Ordinal);
    private long _dueRowsRead, _duePages;

    public long DueRowsRead => Interlocked.Read(ref _dueRowsRead);
    public long DueQueryPages => Interlocked.Read(ref _duePages);

    public void Reset()
    {
        _stats.Clear();
        Interlocked.Exchange(ref _dueRowsRead, 0);
        Interlocked.Exchange(ref _duePages, 0);
    }

    public IEnumerable<(string Kind, long Count, double TotalMs)> Snapshot() =>
        _stats.OrderByDescending(s => s.Value.TotalTicks)
            .Select(s => (s.Key, s.Value.Count, s.Value.TotalTicks * 1000.0 / Stopwatch.Frequency));

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        var started = Stopwatch.GetTimestamp();
        await ProcessNextAsync(message, pipeline);
        Record(message, Stopwatch.GetTimestamp() - started);
    }

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        var started = Stopwatch.GetTimestamp();
        ProcessNext(message, pipeline);
        Record(message, Stopwatch.GetTimestamp() - started);
    }

    private void Record(HttpMessage message, long ticks)
    {
        var (table, kind) = Classify(message.Request);
        var stat = _stats.GetOrAdd($"{table} {kind}", _ => new Stat());
        Interlocked.Increment(ref stat.Count);
        Interlocked.Add(ref stat.TotalTicks, ticks);

        if (table == "Due" && kind == "query" && message.HasResponse && message.Response.Status == 200)
        {
            using var json = JsonDocument.Parse(message.Response.Content.ToMemory());
            Interlocked.Add(ref _dueRowsRead, json.RootElement.GetProperty("value").GetArrayLength());
            Interlocked.Increment(ref _duePages);
        }
    }

    /// <summary>"/account/PrefixDue()" is a query, "/account/PrefixPatients(PartitionKey=..,RowKey=..)" one entity.</summary>
    private (string Table, string Kind) Classify(Request request)
    {
        var path = Uri.UnescapeDataString(request.Uri.Path);
        var segment = path[(path.LastIndexOf('/') + 1)..];
        var paren = segment.IndexOf('(');
        var name = paren < 0 ? segment : segment[..paren];
        var table = name.StartsWith(tablePrefix, StringComparison.Ordinal) ? name[tablePrefix.Length..] : name;
        var method = request.Method.Method;
        var kind = method switch
        {
            "GET" when segment.EndsWith("()", StringComparison.Ordinal) || paren < 0 => "query",
            "GET" => "point read",
            "PUT" => "replace",
            "PATCH" or "MERGE" => "merge",
            "DELETE" => "delete",
            "POST" when name == "$batch" => "batch",
            "POST" => "insert",
            _ => method,
        };
        return (table, kind);
    }

    private sealed class Stat
    {
        public long Count, TotalTicks;
    }
}
