using Microsoft.Extensions.Time.Testing;

namespace Reminders.Tests.Infrastructure;

public static class TestClock
{
    /// <summary>10:00 UTC on a Monday in June: noon in Madrid, inside the default 08:00–20:00 window.</summary>
    public static readonly DateTimeOffset Start = new(2026, 6, 15, 10, 0, 0, TimeSpan.Zero);

    public static FakeTimeProvider New(DateTimeOffset? start = null) => new(start ?? Start);
}
