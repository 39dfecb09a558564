namespace Reminders.Sweep;

/// <summary>What one sweep run did: only its own transitions, so overlapping runs add up to the truth.</summary>
/// <param name="Repaired">Sessions brought back in line with the send ledger (an email a crashed or raced run had sent, recorded now).</param>
/// <param name="Errors">Parts of the run that failed (a storage error on one reminder, settlement, an unreadable clinic) and were logged; the run went on.</param>
public sealed record SweepResult(
    string RunId,
    DateTimeOffset StartedAt,
    DateTimeOffset FinishedAt,
    int Sent,
    int Skipped,
    int Expired,
    int Failed,
    int Deferred,
    int Repaired = 0,
    int Errors = 0);
