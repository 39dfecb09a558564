namespace Reminders.FaultHost;

/// <summary>
/// Freezes the process at the chosen storage request: that request and every later one wait for ever, and no new
/// provider handover starts. Once no handover is in progress it writes "FROZEN", and the test may SIGKILL the process:
/// the journal then says exactly which messages left and which storage writes completed.
/// </summary>
internal sealed class FaultSwitch(Journal journal)
{
    private volatile bool _frozen;
    private int _handovers;

    public bool Frozen => _frozen;

    public void Freeze(int request)
    {
        if (_frozen) return;
        _frozen = true;
        journal.Write($"PAUSE {request}");
        _ = Task.Run(async () =>
        {
            while (Volatile.Read(ref _handovers) > 0) await Task.Delay(5);
            journal.Write("FROZEN");
        });
    }

    /// <summary>Blocks for ever once frozen; otherwise counts a handover in progress until it is disposed.</summary>
    public async Task<IDisposable> BeginHandoverAsync()
    {
        Interlocked.Increment(ref _handovers);
        if (_frozen)
        {
            Interlocked.Decrement(ref _handovers);
            await Task.Delay(Timeout.Infinite);
        }
        return new Done(this);
    }

    private sealed class Done(FaultSwitch owner) : IDisposable
    {
        public void Dispose() => Interlocked.Decrement(ref owner._handovers);
    }
}
