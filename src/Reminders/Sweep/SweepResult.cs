namespace Reminders.Sweep;

/// <summary>What one sweep run did: only its own transitions, so overlapping runs add up to the truth.</summary>
public sealed record SweepResult(
    string RunId,
    DateTimeOffset StartedAt,
    DateTimeOffset FinishedAt,
    int Sent,
    int Skipped,
    int Expired,
    int Failed,
    int Deferred);
