using System.Diagnostics.Metrics;
using Azure;
using Microsoft.Extensions.Options;
using Reminders.Dispatch;

namespace Reminders.Telemetry;

/// <summary>
/// The dispatch queue's length (storage's approximate message count) and the age of its oldest visible message (a
/// peek at the first one's insertion time). A metrics reader gets the last values read; when they are older than
/// <see cref="TelemetryOptions.QueueGaugeRefresh"/> a refresh starts in the background, so a collection never
/// waits for storage and a frequent reader costs no more storage calls than one every refresh interval.
/// </summary>
public sealed class DispatchQueueGauges(DispatchQueue queue, IOptions<TelemetryOptions> options, TimeProvider time)
{
    private readonly Lock _lock = new();
    private Snapshot? _last;
    private DateTimeOffset _readAt = DateTimeOffset.MinValue;
    private Task? _refreshing;

    private sealed record Snapshot(int Length, DateTimeOffset? OldestInsertedOn);

    internal IEnumerable<Measurement<int>> ObserveLength()
    {
        var last = Current();
        return last is null ? [] : [new Measurement<int>(last.Length, Queue())];
    }

    internal IEnumerable<Measurement<double>> ObserveOldestAge()
    {
        var last = Current();
        if (last is null) return [];
        // An empty queue has no oldest message: its age is 0, not missing, so an alert on it clears.
        var age = last.OldestInsertedOn is { } at ? Math.Max(0, (time.GetUtcNow() - at).TotalSeconds) : 0;
        return [new Measurement<double>(age, Queue())];
    }

    /// <summary>Reads both values now (tests, and the first background refresh).</summary>
    public async Task RefreshAsync(CancellationToken ct)
    {
        try
        {
            var properties = await queue.Queue.GetPropertiesAsync(ct);
            var peeked = await queue.Queue.PeekMessageAsync(ct);
            var snapshot = new Snapshot(properties.Value.ApproximateMessagesCount, peeked.Value?.InsertedOn);
            lock (_lock) (_last, _readAt) = (snapshot, time.GetUtcNow());
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // Not created yet: nothing was ever planned onto it.
            lock (_lock) (_last, _readAt) = (new Snapshot(0, null), time.GetUtcNow());
        }
        catch (Exception e) when (e is RequestFailedException or HttpRequestException or OperationCanceledException or AggregateException)
        {
            // Storage did not answer: report nothing rather than stale numbers that look current.
            lock (_lock) (_last, _readAt) = (null, time.GetUtcNow());
        }
    }

    private Snapshot? Current()
    {
        lock (_lock)
        {
            if (time.GetUtcNow() - _readAt >= options.Value.QueueGaugeRefresh && _refreshing is not { IsCompleted: false })
            {
                // Bounded, so a hanging storage call cannot keep the gauge from ever refreshing again.
                _refreshing = Task.Run(async () =>
                {
                    using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                    await RefreshAsync(timeout.Token);
                });
            }
            return _last;
        }
    }

    private KeyValuePair<string, object?> Queue() => new(RemindersTelemetry.Tags.Queue, queue.Queue.Name);
}
