using Reminders.Email;

namespace Reminders.Quota;

/// <summary>
/// One dispatch's share of the provider quota, taken from storage in blocks. Work items take a send in plan order
/// before they start, so a quota too small for everyone is shared out in that (fair) order; an item that turns out
/// to need no email gives its send back to the pool, and whatever is left goes back to storage at the end.
/// </summary>
internal sealed class QuotaPool(SendQuota quota, SendLimits limits, int blockSize)
{
    private readonly List<(QuotaGrant Grant, int Left)> _grants = [];
    private int _available;

    public bool Exhausted { get; private set; }

    /// <summary>Takes one send, reserving another block when the pool is empty; false when the quota is gone until after <paramref name="waitUntil"/>.</summary>
    public async Task<bool> TakeAsync(int stillWanted, DateTimeOffset waitUntil, CancellationToken ct)
    {
        if (limits.Unlimited) return true;
        if (_available == 0)
        {
            if (Exhausted) return false;
            var grant = await quota.ReserveAsync(limits, Math.Min(Math.Max(stillWanted, 1), blockSize), waitUntil, ct);
            if (grant.Count == 0)
            {
                Exhausted = true;
                return false;
            }
            _grants.Add((grant, grant.Count));
            _available += grant.Count;
        }
        _available--;
        return true;
    }

    public void GiveBack()
    {
        if (!limits.Unlimited) _available++;
    }

    /// <summary>Returns the sends never used to the shared quota, newest blocks first.</summary>
    public async Task ReturnUnusedAsync(CancellationToken ct)
    {
        var unused = _available;
        for (var i = _grants.Count - 1; i >= 0 && unused > 0; i--)
        {
            var back = Math.Min(unused, _grants[i].Grant.Count);
            await quota.ReturnAsync(_grants[i].Grant, back, ct);
            unused -= back;
        }
        _available = 0;
    }
}
