using Reminders.Plan;
using Reminders.Sessions;

namespace Reminders.Patients;

/// <summary>What a clinic can do to a patient it already registered: look, cancel a session, erase.</summary>
public sealed class PatientAdministration(PatientRecords records, Clinics.ClinicDirectory clinics, Unsubscribe.OptOuts optOuts, TimeProvider time)
{
    public async Task<PatientView?> FindAsync(string clinicId, string patientId, CancellationToken ct)
    {
        var record = await records.LoadAsync(clinicId, patientId, ct);
        if (!record.Exists) return null;
        var optedOut = record.Patient is not null && await optOuts.IsOptedOutAsync(clinicId, record.Patient.Email, ct);
        return PatientView.Of(record, optedOut);
    }

    /// <summary>Cancels a session entered in error. It stays as a record, never supersedes, and its reminder is skipped.</summary>
    public async Task<bool> CancelSessionAsync(string clinicId, string patientId, string sessionId, CancellationToken ct)
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var record = await records.LoadAsync(clinicId, patientId, ct);
            var session = record.Session(sessionId);
            if (session is null) return false;

            var wasPending = session.Status == ReminderStatus.Pending;
            session.Cancelled = true;
            session.UpdatedAt = time.GetUtcNow();
            if (wasPending)
                session.Decide(ReminderStatus.Skipped, SkipReason.Cancelled, "The clinic cancelled this session.", session.UpdatedAt);
            if (!await records.TrySaveSessionAsync(session, ct)) continue;
            if (wasPending)
                await records.RemoveDueIfPresentAsync(clinicId, patientId, sessionId, session.ReminderDate, ct);
            await RestoreSupersededAsync(clinicId, record, session, ct);
            return true;
        }
        throw new ConcurrencyException("The session kept changing while it was being cancelled; try again.");
    }

    /// <summary>
    /// A cancelled session never supersedes: reminders it had superseded get a fresh start. If another session still
    /// supersedes them, the sweep skips them again, with that session named.
    /// </summary>
    private async Task RestoreSupersededAsync(string clinicId, PatientRecord record, SessionEntity cancelled, CancellationToken ct)
    {
        var superseded = record.Sessions
            .Where(s => s.SessionId != cancelled.SessionId && s is { Status: ReminderStatus.Skipped, Reason: SkipReason.Superseded })
            .ToList();
        if (superseded.Count == 0) return;
        var clinic = await clinics.FindAsync(clinicId, ct);
        if (clinic is null) return;
        var now = time.GetUtcNow();
        foreach (var session in superseded)
        {
            ReminderPolicy.StartFresh(session, clinicId, clinic.Today(time), now);
            // Due row first, as in registration: a crash in between leaves a stale row, never a lost reminder.
            if (session.Status == ReminderStatus.Pending)
                await records.AddDueAsync(clinicId, session, now, ct);
            await records.TrySaveSessionAsync(session, ct);
        }
    }

    /// <summary>Erases every row about the patient. Due-index rows go first, the patient row last, so a retry finishes the job.</summary>
    public async Task<bool> EraseAsync(string clinicId, string patientId, CancellationToken ct)
    {
        var record = await records.LoadAsync(clinicId, patientId, ct);
        if (!record.Exists) return false;
        foreach (var session in record.Sessions)
            await records.RemoveDueIfPresentAsync(clinicId, patientId, session.SessionId, session.ReminderDate, ct);
        foreach (var session in record.Sessions)
            await records.DeleteRowIfPresentAsync(clinicId, session.RowKey, ct);
        await records.DeleteRowIfPresentAsync(clinicId, PatientEntity.RowFor(patientId), ct);
        return true;
    }
}
