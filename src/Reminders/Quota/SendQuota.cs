using System.Globalization;
using System.Text;
using Azure;
using Reminders.Email;
using Reminders.Storage;

namespace Reminders.Quota;

/// <summary>
/// The provider's quota, kept in storage so every instance draws on the same budget (ACS limits a resource, not a
/// process). Sends are reserved before a reminder is claimed, so nothing is claimed that cannot be sent. Counting is
/// conservative: a minute is 65 one-second buckets and an hour 61 one-minute buckets, so no sliding minute or hour
/// ever holds more than the limit, even though a send leaves a moment (up to five seconds) after it was reserved.
/// The price: a little under the full quota (about 8% of a minute's) is used.
/// </summary>
public sealed class SendQuota(ReminderTables tables, Telemetry.QuotaUsage usage, TimeProvider time)
{
    public const int MinuteWindowSeconds = 65;
    public const int HourWindowMinutes = 61;

    /// <summary>
    /// Reserves up to <paramref name="wanted"/> sends. When none is free, waits for the next free one if that comes
    /// before <paramref name="waitUntil"/>; otherwise grants nothing and says when the next one frees up.
    /// </summary>
    public async Task<QuotaGrant> ReserveAsync(SendLimits limits, int wanted, DateTimeOffset waitUntil, CancellationToken ct)
    {
        if (limits.Unlimited || wanted <= 0) return new QuotaGrant(limits, Math.Max(wanted, 0), 0, 0, null);
        await tables.EnsureCreatedAsync(ct);
        var partition = PartitionFor(limits.Resource);
        for (var tries = 0; tries < 50; tries++)
        {
            var stored = await tables.Quota.GetEntityIfExistsAsync<QuotaEntity>(partition, QuotaEntity.Row, cancellationToken: ct);
            var row = stored.HasValue ? stored.Value! : new QuotaEntity { PartitionKey = partition };
            var now = time.GetUtcNow();
            var second = now.ToUnixTimeSeconds();
            var minute = second / 60;
            var seconds = Buckets.Parse(row.Seconds, second - MinuteWindowSeconds);
            var minutes = Buckets.Parse(row.Minutes, minute - HourWindowMinutes);

            usage.Record(limits.Resource, seconds.Total, minutes.Total);
            var free = Math.Min(Free(limits.PerMinute, seconds), Free(limits.PerHour, minutes));
            var granted = Math.Min(wanted, free);
            if (granted <= 0)
            {
                var nextFree = Later(NextFree(limits.PerMinute, seconds, MinuteWindowSeconds, 1), NextFree(limits.PerHour, minutes, HourWindowMinutes, 60));
                if (nextFree > waitUntil) return new QuotaGrant(limits, 0, 0, 0, nextFree);
                await Task.Delay(nextFree - now + TimeSpan.FromMilliseconds(1), time, ct);
                continue;
            }

            seconds.Add(second, granted);
            minutes.Add(minute, granted);
            row.Seconds = seconds.ToString();
            row.Minutes = minutes.ToString();
            if (await TryWriteAsync(row, stored.HasValue, ct))
            {
                usage.Record(limits.Resource, seconds.Total, minutes.Total);
                return new QuotaGrant(limits, granted, second, minute, null);
            }
        }
        return new QuotaGrant(limits, 0, 0, 0, time.GetUtcNow().AddSeconds(1));
    }

    /// <summary>Gives back sends reserved but not used (the reminder turned out to need no email).</summary>
    public async Task ReturnAsync(QuotaGrant grant, int unused, CancellationToken ct)
    {
        if (grant.Limits.Unlimited || unused <= 0) return;
        var partition = PartitionFor(grant.Limits.Resource);
        for (var tries = 0; tries < 50; tries++)
        {
            var stored = await tables.Quota.GetEntityIfExistsAsync<QuotaEntity>(partition, QuotaEntity.Row, cancellationToken: ct);
            if (!stored.HasValue) return;
            var row = stored.Value!;
            var now = time.GetUtcNow().ToUnixTimeSeconds();
            var seconds = Buckets.Parse(row.Seconds, now - MinuteWindowSeconds);
            var minutes = Buckets.Parse(row.Minutes, now / 60 - HourWindowMinutes);
            seconds.Add(grant.Second, -unused);
            minutes.Add(grant.Minute, -unused);
            row.Seconds = seconds.ToString();
            row.Minutes = minutes.ToString();
            if (await TryWriteAsync(row, exists: true, ct))
            {
                usage.Record(grant.Limits.Resource, seconds.Total, minutes.Total);
                return;
            }
        }
    }

    private async Task<bool> TryWriteAsync(QuotaEntity row, bool exists, CancellationToken ct)
    {
        try
        {
            if (exists) await tables.Quota.UpdateEntityAsync(row, row.ETag, Azure.Data.Tables.TableUpdateMode.Replace, ct);
            else await tables.Quota.AddEntityAsync(row, ct);
            return true;
        }
        catch (RequestFailedException e) when (e.IsConflict())
        {
            return false; // another instance reserved meanwhile: read again
        }
    }

    private static int Free(int limit, Buckets used) => limit <= 0 ? int.MaxValue : limit - used.Total;

    /// <summary>When enough of the oldest buckets have left the window for one more send.</summary>
    private DateTimeOffset NextFree(int limit, Buckets used, int window, int secondsPerBucket)
    {
        if (limit <= 0 || used.Total < limit) return time.GetUtcNow();
        var left = used.Total;
        foreach (var (bucket, count) in used.Ascending())
        {
            left -= count;
            if (left < limit) return DateTimeOffset.FromUnixTimeSeconds((bucket + window) * secondsPerBucket);
        }
        return time.GetUtcNow();
    }

    private static DateTimeOffset Later(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    /// <summary>Keys may not hold / \ # ? or control characters.</summary>
    private static string PartitionFor(string resource)
    {
        var key = new StringBuilder(resource.Length);
        foreach (var c in resource) key.Append(c is '/' or '\\' or '#' or '?' || char.IsControl(c) ? '_' : c);
        return key.ToString();
    }

    /// <summary>"epoch:count;epoch:count", dropping buckets at or before the cut-off.</summary>
    private sealed class Buckets
    {
        private readonly SortedDictionary<long, int> _counts = new();

        public int Total => _counts.Values.Sum();

        public static Buckets Parse(string text, long cutOff)
        {
            var buckets = new Buckets();
            foreach (var pair in text.Split(';', StringSplitOptions.RemoveEmptyEntries))
            {
                var colon = pair.IndexOf(':');
                if (colon > 0 && long.TryParse(pair[..colon], CultureInfo.InvariantCulture, out var at) &&
                    int.TryParse(pair[(colon + 1)..], CultureInfo.InvariantCulture, out var count) && at > cutOff)
                    buckets.Add(at, count);
            }
            return buckets;
        }

        public void Add(long bucket, int count)
        {
            var total = _counts.GetValueOrDefault(bucket) + count;
            if (total > 0) _counts[bucket] = total;
            else _counts.Remove(bucket);
        }

        public IEnumerable<(long Bucket, int Count)> Ascending() => _counts.Select(kv => (kv.Key, kv.Value));

        public override string ToString() => string.Join(';', _counts.Select(kv => string.Create(CultureInfo.InvariantCulture, $"{kv.Key}:{kv.Value}")));
    }
}

/// <summary>Sends reserved in one go; <see cref="NextFreeAt"/> says when more free up if none were granted.</summary>
public sealed record QuotaGrant(SendLimits Limits, int Count, long Second, long Minute, DateTimeOffset? NextFreeAt);
