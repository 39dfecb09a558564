namespace Reminders.Sweep;

/// <summary>Running counts of one sweep.</summary>
internal sealed class SweepTally
{
    public int Sent, Skipped, Expired, Failed, Deferred;

    public void Count(Transition transition)
    {
        switch (transition)
        {
            case Transition.Sent: Sent++; break;
            case Transition.Skipped: Skipped++; break;
            case Transition.Expired: Expired++; break;
            case Transition.Failed: Failed++; break;
            case Transition.Deferred: Deferred++; break;
        }
    }
}

/// <summary>What happened to one due reminder in this run. <see cref="None"/>: nothing of ours (stale, or another run's).</summary>
internal enum Transition { None, Sent, Skipped, Expired, Failed, Deferred, StopSending }
