using Reminders.Clinics;
using Reminders.Patients;

namespace Reminders.Plan;

/// <summary>
/// Moves pending reminders to a clinic's new settings (reliefDays, remindDaysBefore). It walks the clinic's pending
/// markers, so its cost follows the number of pending reminders; sent, skipped and expired ones are never touched,
/// nor a session's own reliefDays.
/// </summary>
public sealed class ReminderReplanner(PatientRecords records, DueIndex dueIndex, TimeProvider time)
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
            else if (await ReplanAsync(clinic, marker.PatientId, marker.SessionId, ct)) moved++;
        }
        return new Summary(moved, left);
    }

    /// <summary>Re-plans one pending reminder if it was planned under older settings; true when its dates moved.</summary>
    public async Task<bool> ReplanAsync(Clinic clinic, string patientId, string sessionId, CancellationToken ct)
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var session = (await records.LoadAsync(clinic.Id, patientId, ct)).Session(sessionId);
            if (session is null || !session.IsPending || session.PlanVersion >= clinic.PlanVersion) return false;

            var (oldPartition, oldETag, oldDate) = (session.DuePartition, session.DueETag, session.ReminderDate);
            var moved = ReminderPolicy.Replan(session, clinic, clinic.Today(time), time.GetUtcNow());
            session.UpdatedAt = time.GetUtcNow();
            if (moved && session.IsPending) await dueIndex.PutAsync(session, ct);
            if (!await records.TrySaveSessionAsync(session, ct)) continue;
            if (oldPartition != session.DuePartition || !session.IsPending)
                await dueIndex.TryRemoveAsync(clinic.Id, patientId, sessionId, oldPartition, oldETag, oldDate, ct);
            return moved;
        }
        return false; // kept changing: the next sweep re-plans it before sending
    }
}
