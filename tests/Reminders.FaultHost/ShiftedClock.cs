namespace Reminders.FaultHost;

/// <summary>
/// Real time moved to start at a chosen instant, optionally running faster. Processes given the same anchor (the real
/// instant that maps to the start) and speed agree on the time, so a quota shared through storage stays consistent.
/// Timers (delays) run faster by the same factor.
/// </summary>
internal sealed class ShiftedClock(DateTimeOffset start, DateTimeOffset anchor, double speed) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => start + (DateTimeOffset.UtcNow - anchor) * speed;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        System.CreateTimer(callback, state, Scale(dueTime), Scale(period));

    private TimeSpan Scale(TimeSpan span) => span == Timeout.InfiniteTimeSpan || span <= TimeSpan.Zero ? span : span / speed;
}
