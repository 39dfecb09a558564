using Reminders.Plan;
using Reminders.Sessions;

namespace Reminders.Patients;

/// <summary>What a clinic can do to a patient it already registered: look, cancel a session, erase.</summary>
public sealed class PatientAdministration(PatientRecords records, Unsubscribe.OptOuts optOuts, TimeProvider time)
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
            return true;
        }
        throw new ConcurrencyException("The session kept changing while it was being cancelled; try again.");
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
