namespace Reminders.Sweep;

/// <summary>Running counts of one sweep; safe to count from parallel senders.</summary>
internal sealed class SweepTally
{
    public int Sent, Skipped, Expired, Failed, Deferred, Repaired, Errors;

    public void Count(Transition transition)
    {
        switch (transition)
        {
            case Transition.Sent: Interlocked.Increment(ref Sent); break;
            case Transition.Skipped: Interlocked.Increment(ref Skipped); break;
            case Transition.Expired: Interlocked.Increment(ref Expired); break;
            case Transition.Failed: Interlocked.Increment(ref Failed); break;
            case Transition.Deferred or Transition.StopSending: Interlocked.Increment(ref Deferred); break;
            case Transition.Repaired: Interlocked.Increment(ref Repaired); break;
        }
    }
}

/// <summary>What happened to one due reminder in this run. <see cref="None"/>: nothing of ours (stale, or another run's).</summary>
internal enum Transition { None, Sent, Skipped, Expired, Failed, Deferred, StopSending, Repaired }
