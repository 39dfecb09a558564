using Reminders.Email;

namespace Reminders.Quota;

/// <summary>
/// One dispatch's share of the provider quota, taken from storage in small blocks. Work items take a send in plan order
/// before they start, so a quota too small for everyone is shared out in that (fair) order; an item that turns out to
/// need no email gives its send back. A block is used only while fresh (<see cref="MaxAge"/>): the shared window is a
/// few seconds longer than a minute, so a send must leave close to when it was counted, never minutes later.
/// </summary>
internal sealed class QuotaPool(SendQuota quota, SendLimits limits, int blockSize, TimeProvider time)
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(1);

    /// <summary>Sends reserved in one go; <see cref="Left"/> not yet taken, <see cref="Returned"/> taken and given back.</summary>
    public sealed class Lease(QuotaGrant? grant, DateTimeOffset at)
    {
        public QuotaGrant? Grant { get; } = grant;
        public DateTimeOffset At { get; } = at;
        public int Left { get; set; } = grant?.Count ?? 0;
        public int Returned { get; set; }
    }

    private static readonly Lease Unlimited = new(null, DateTimeOffset.MaxValue);
    private readonly List<Lease> _done = [];
    private Lease? _current;

    /// <summary>Takes one send; null when the quota is gone until after <paramref name="waitUntil"/>.</summary>
    public async Task<Lease?> TakeAsync(int stillWanted, DateTimeOffset waitUntil, CancellationToken ct)
    {
        if (limits.Unlimited) return Unlimited;
        if (_current is not null && (_current.Left == 0 || time.GetUtcNow() - _current.At > MaxAge))
        {
            await GiveBackToStorageAsync(_current, ct);
            _current = null;
        }
        if (_current is null)
        {
            var grant = await quota.ReserveAsync(limits, Math.Min(Math.Max(stillWanted, 1), blockSize), waitUntil, ct);
            if (grant.Count == 0) return null;
            _current = new Lease(grant, time.GetUtcNow());
        }
        _current.Left--;
        return _current;
    }

    /// <summary>An item that needed no email: the next item uses its send if the block is still fresh, else storage gets it back.</summary>
    public void GiveBack(Lease lease)
    {
        if (ReferenceEquals(lease, Unlimited)) return;
        if (ReferenceEquals(lease, _current)) lease.Left++;
        else lease.Returned++;
    }

    /// <summary>Returns every send reserved and not used to the shared quota.</summary>
    public async Task ReturnUnusedAsync(CancellationToken ct)
    {
        if (_current is not null) await GiveBackToStorageAsync(_current, ct);
        _current = null;
        foreach (var lease in _done.Where(l => l.Returned > 0))
        {
            await quota.ReturnAsync(lease.Grant!, lease.Returned, ct);
            lease.Returned = 0;
        }
    }

    private async Task GiveBackToStorageAsync(Lease lease, CancellationToken ct)
    {
        if (lease.Left > 0) await quota.ReturnAsync(lease.Grant!, lease.Left, ct);
        lease.Left = 0;
        _done.Add(lease);
    }
}
