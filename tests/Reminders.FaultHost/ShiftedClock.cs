namespace Reminders.FaultHost;

/// <summary>Real time, moved to start at a chosen instant: a test sets each run's clock past earlier runs' claim leases.</summary>
internal sealed class ShiftedClock(DateTimeOffset start) : TimeProvider
{
    private readonly DateTimeOffset _realStart = DateTimeOffset.UtcNow;

    public override DateTimeOffset GetUtcNow() => start + (DateTimeOffset.UtcNow - _realStart);
}
