namespace Reminders.Email.Acs;

/// <summary>
/// Keeps requests inside a per-minute and a per-hour quota (sliding windows), in this process. A caller reserves the
/// next free slot and waits for it; a slot further away than <c>maxWait</c> (the hourly quota is used up, or ACS said
/// to back off for longer) is not reserved at all, so the caller can give up at once instead of blocking a sweep.
/// </summary>
public sealed class AcsRequestPacer(int perMinute, int perHour, TimeProvider time)
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);

    private readonly object _gate = new();
    // Reserved slots in ascending order; may hold slots a little in the future (callers waiting for them).
    private readonly List<DateTimeOffset> _slots = [];
    private DateTimeOffset _backOffUntil = DateTimeOffset.MinValue;

    /// <summary>Reserves the earliest slot within <paramref name="maxWait"/>; false (nothing reserved) with the earliest possible time otherwise.</summary>
    public bool TryReserve(TimeSpan maxWait, out TimeSpan wait, out DateTimeOffset earliest)
    {
        lock (_gate)
        {
            var now = time.GetUtcNow();
            Prune(now);
            earliest = Earliest(now);
            wait = earliest - now;
            if (wait > maxWait) return false;
            _slots.Add(earliest);
            return true;
        }
    }

    /// <summary>Counts tries the HTTP pipeline made on its own (retries): they use the same quota.</summary>
    public void RecordExtra(int count)
    {
        lock (_gate)
        {
            var at = time.GetUtcNow();
            if (_slots.Count > 0 && _slots[^1] > at) at = _slots[^1];
            for (var i = 0; i < count; i++) _slots.Add(at);
        }
    }

    /// <summary>The service said to wait (429 with retry-after): no slot before then.</summary>
    public void BackOffUntil(DateTimeOffset until)
    {
        lock (_gate)
            if (until > _backOffUntil) _backOffUntil = until;
    }

    private DateTimeOffset Earliest(DateTimeOffset now)
    {
        var slot = now;
        if (_backOffUntil > slot) slot = _backOffUntil;
        if (_slots.Count > 0 && _slots[^1] > slot) slot = _slots[^1]; // first come, first served
        // A new slot is free once the slot perMinute places back has left the minute window (and the same for the hour).
        if (_slots.Count >= perMinute && _slots[^perMinute] + Minute > slot) slot = _slots[^perMinute] + Minute;
        if (_slots.Count >= perHour && _slots[^perHour] + Hour > slot) slot = _slots[^perHour] + Hour;
        return slot;
    }

    private void Prune(DateTimeOffset now)
    {
        var keep = Math.Max(perMinute, perHour);
        var cut = 0;
        while (cut < _slots.Count && (_slots[cut] <= now - Hour || _slots.Count - cut > keep)) cut++;
        if (cut > 0) _slots.RemoveRange(0, cut);
    }
}
