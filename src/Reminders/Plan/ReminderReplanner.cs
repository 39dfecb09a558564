using Reminders.Clinics;
using Reminders.Patients;

namespace Reminders.Plan;

/// <summary>
/// Moves pending reminders to a clinic's new settings (reliefDays, remindDaysBefore). It walks the clinic's pending
/// markers, so its cost follows the number of pending reminders; sent, skipped and expired ones are never touched,
/// nor a session's own reliefDays.
/// </summary>
public sealed class ReminderReplanner(PatientRecords records, DueIndex dueIndex, Ledger.SendLedger ledger, TimeProvider time)
{
    /// <summary>How many pending reminders moved, and how many were left for later (the deadline came first).</summary>
    public sealed record Summary(int Moved, int Left);

    public async Task<Summary> ReplanClinicAsync(Clinic clinic, DateTimeOffset deadline, CancellationToken ct)
    {
        int moved = 0, left = 0;
        await foreach (var marker in records.RowsWithPrefixAsync<PendingMarker>(clinic.Id, PendingMarker.Prefix, null, ct))
        {
            if (marker.PlanVersion >= clinic.PlanVersion) continue;
            if (time.GetUtcNow() >= deadline) left++;
            else switch (await ReplanAsync(clinic, marker.PatientId, marker.SessionId, ct))
            {
                case Outcome.Moved: moved++; break;
                case Outcome.BeingSent: left++; break;
            }
        }
        return new Summary(moved, left);
    }

    /// <summary>A pending reminder the proposed settings would move (to another date) or expire.</summary>
    public sealed record PreviewChange(string PatientId, string SessionId, DateOnly From, DateOnly To, string Status, string? Reason);

    /// <param name="Complete">False when the deadline came before every pending reminder was looked at (the counts are then partial).</param>
    public sealed record Preview(int Pending, int Moving, int Expiring, IReadOnlyList<PreviewChange> Changes, bool Complete);

    /// <summary>
    /// What <see cref="ReplanClinicAsync"/> would do under <paramref name="proposed"/> settings, saving nothing: each
    /// pending reminder is read and re-planned in memory only. Lists at most <paramref name="listed"/> changes.
    /// </summary>
    public async Task<Preview> PreviewAsync(Clinic proposed, DateTimeOffset deadline, int listed, CancellationToken ct)
    {
        int pending = 0, moving = 0, expiring = 0;
        var changes = new List<PreviewChange>();
        var candidate = proposed with { PlanVersion = int.MaxValue }; // every pending reminder counts as planned under older settings
        var (today, now) = (proposed.Today(time), time.GetUtcNow());
        await foreach (var marker in records.RowsWithPrefixAsync<PendingMarker>(proposed.Id, PendingMarker.Prefix, null, ct))
        {
            if (time.GetUtcNow() >= deadline) return new Preview(pending, moving, expiring, changes, Complete: false);
            var session = (await records.LoadSessionAsync(proposed.Id, marker.PatientId, marker.SessionId, ct)).Session(marker.SessionId);
            if (session is not { IsPending: true }) continue;
            pending++;
            var from = session.Schedule.ReminderDate;
            if (!ReminderPolicy.Replan(session, candidate, today, now) || (session.IsPending && session.Schedule.ReminderDate == from)) continue;
            if (session.Status == ReminderStatus.Expired) expiring++;
            else if (session.IsPending) moving++; // (one landing on a date already sent is neither: it is not sent again)
            if (changes.Count < listed)
                changes.Add(new PreviewChange(session.PatientId, session.SessionId, from, session.Schedule.ReminderDate, session.Status, session.Reason));
        }
        return new Preview(pending, moving, expiring, changes, Complete: true);
    }

    public enum Outcome { Unchanged, Moved, BeingSent }

    /// <summary>
    /// Re-plans one pending reminder if it was planned under older settings. One whose email is going out right now (or
    /// went out) is left alone: the sweep records it, and re-plans it before sending if it is still pending.
    /// </summary>
    public async Task<Outcome> ReplanAsync(Clinic clinic, string patientId, string sessionId, CancellationToken ct)
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var session = (await records.LoadSessionAsync(clinic.Id, patientId, sessionId, ct)).Session(sessionId);
            if (session is null || !session.IsPending || session.PlanVersion >= clinic.PlanVersion) return Outcome.Unchanged;
            if (await IsBeingSentAsync(session.ReminderId, ct)) return Outcome.BeingSent;

            var (oldPartition, oldETag, oldDate) = (session.DuePartition, session.DueETag, session.ReminderDate);
            var moved = ReminderPolicy.Replan(session, clinic, clinic.Today(time), time.GetUtcNow());
            session.UpdatedAt = time.GetUtcNow();
            if (moved && session.IsPending) await dueIndex.PutAsync(session, ct);
            if (!await records.TrySaveSessionAsync(session, ct)) continue;
            if (oldPartition != session.DuePartition || !session.IsPending)
                await dueIndex.TryRemoveAsync(clinic.Id, patientId, sessionId, oldPartition, oldETag, oldDate, ct);
            return moved ? Outcome.Moved : Outcome.Unchanged;
        }
        return Outcome.BeingSent; // kept changing: the next sweep re-plans it before sending
    }

    /// <summary>A sender holds the reminder (its claim is live) or a provider took it: not this planner's to move.</summary>
    public async Task<bool> IsBeingSentAsync(Guid reminderId, CancellationToken ct) =>
        await ledger.FindAsync(reminderId, ct) is { } entry &&
        (entry.Outcome == Ledger.LedgerOutcome.Accepted || (entry.Outcome == Ledger.LedgerOutcome.InFlight && entry.ClaimedUntil > time.GetUtcNow()));
}
