using Microsoft.Extensions.Time.Testing;
using Reminders.Email.Acs;

namespace Reminders.Tests.Email.Acs;

/// <summary>The quota pacer: sliding minute and hour windows, waits at most what the caller allows, honours a back-off.</summary>
public sealed class AcsRequestPacerTests
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    [Fact]
    public void Within_the_minute_quota_there_is_no_wait_and_past_it_the_wait_ends_when_the_oldest_leaves_the_window()
    {
        var time = new FakeTimeProvider();
        var pacer = new AcsRequestPacer(perMinute: 3, perHour: 100, time);

        for (var i = 0; i < 3; i++)
        {
            Assert.True(pacer.TryReserve(Minute, out var none, out _));
            Assert.Equal(TimeSpan.Zero, none);
            time.Advance(TimeSpan.FromSeconds(10));
        }
        // 30 s after the first: the fourth waits until the first is a minute old.
        Assert.True(pacer.TryReserve(Minute, out var wait, out _));
        Assert.Equal(TimeSpan.FromSeconds(30), wait);
        // The fifth queues behind the fourth and waits for the second to leave.
        Assert.True(pacer.TryReserve(Minute, out wait, out _));
        Assert.Equal(TimeSpan.FromSeconds(40), wait);
        // A caller that cannot wait gets nothing reserved.
        Assert.False(pacer.TryReserve(TimeSpan.Zero, out wait, out _));
        Assert.Equal(TimeSpan.FromSeconds(50), wait);
    }

    [Fact]
    public void When_the_hour_quota_is_used_up_no_slot_is_given_within_a_minute()
    {
        var time = new FakeTimeProvider();
        var start = time.GetUtcNow();
        var pacer = new AcsRequestPacer(perMinute: 2, perHour: 3, time);

        Assert.True(pacer.TryReserve(Minute, out _, out _));
        Assert.True(pacer.TryReserve(Minute, out _, out _));
        Assert.True(pacer.TryReserve(Minute, out var wait, out _));
        Assert.Equal(Minute, wait);

        Assert.False(pacer.TryReserve(Minute, out _, out var earliest));
        Assert.Equal(start + TimeSpan.FromHours(1), earliest);

        time.Advance(TimeSpan.FromHours(1));
        Assert.True(pacer.TryReserve(Minute, out wait, out _));
        Assert.Equal(TimeSpan.Zero, wait);
    }

    [Fact]
    public void Retries_count_against_the_quota()
    {
        var time = new FakeTimeProvider();
        var pacer = new AcsRequestPacer(perMinute: 3, perHour: 100, time);

        Assert.True(pacer.TryReserve(Minute, out _, out _));
        pacer.RecordExtra(2);

        Assert.True(pacer.TryReserve(Minute, out var wait, out _));
        Assert.Equal(Minute, wait);
    }

    [Fact]
    public void A_back_off_holds_every_slot_until_it_ends()
    {
        var time = new FakeTimeProvider();
        var pacer = new AcsRequestPacer(perMinute: 30, perHour: 100, time);

        pacer.BackOffUntil(time.GetUtcNow() + TimeSpan.FromSeconds(20));
        Assert.True(pacer.TryReserve(Minute, out var wait, out _));
        Assert.Equal(TimeSpan.FromSeconds(20), wait);

        pacer.BackOffUntil(time.GetUtcNow() + TimeSpan.FromMinutes(5));
        Assert.False(pacer.TryReserve(Minute, out _, out _));
        time.Advance(TimeSpan.FromMinutes(5));
        Assert.True(pacer.TryReserve(Minute, out wait, out _));
        Assert.Equal(TimeSpan.Zero, wait);
    }
}
