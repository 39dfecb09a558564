using Reminders.Clinics;
using Reminders.Email;
using Reminders.Patients;
using Reminders.Plan;

namespace Reminders.Sessions;

/// <summary>Registers (upserts) a session and keeps its reminder and the due index in step with it.</summary>
public sealed class SessionRegistration(PatientRecords records, TimeProvider time)
{
    public sealed record Outcome(SessionView Session, bool Created);

    public async Task<Outcome> RegisterAsync(Clinic clinic, ValidSession input, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            var outcome = await TryRegisterAsync(clinic, input, ct);
            if (outcome is not null) return outcome;
            if (attempt == 4) throw new ConcurrencyException("The session kept changing while it was being saved; try again.");
        }
    }

    private async Task<Outcome?> TryRegisterAsync(Clinic clinic, ValidSession input, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var today = clinic.Today(time);
        var record = await records.LoadAsync(clinic.Id, input.PatientId, ct);

        var patient = record.Patient ?? new PatientEntity
        {
            PartitionKey = clinic.Id, RowKey = PatientEntity.RowFor(input.PatientId), PatientId = input.PatientId, CreatedAt = now,
        };
        var emailChanged = record.Patient is not null &&
                           EmailAddresses.Normalize(record.Patient.Email) != EmailAddresses.Normalize(input.Email);
        patient.Email = input.Email;
        patient.FirstName = input.FirstName ?? patient.FirstName;
        patient.UpdatedAt = now;

        var existing = record.Session(input.SessionId);
        var session = existing ?? new SessionEntity
        {
            PartitionKey = clinic.Id, RowKey = SessionEntity.RowFor(input.PatientId, input.SessionId),
            PatientId = input.PatientId, SessionId = input.SessionId, CreatedAt = now,
        };
        var previousDue = existing is { Status: ReminderStatus.Pending } ? existing.ReminderDate : null;
        var sameDates = existing is not null &&
                        existing.InjectionDate == input.InjectionDate.ToString("yyyy-MM-dd") && existing.ReliefDays == input.ReliefDays;

        var schedule = ReminderSchedule.For(input.InjectionDate, input.ReliefDays, clinic.RemindDaysBefore);
        session.InjectionDate = input.InjectionDate.ToString("yyyy-MM-dd");
        session.ReliefDays = input.ReliefDays;
        session.UpdatedAt = now;
        var revived = session.Cancelled;
        session.Cancelled = false;

        if (!sameDates)
        {
            session.ReliefEndsOn = schedule.ReliefEndsOn.ToString("yyyy-MM-dd");
            session.ReminderDate = schedule.ReminderDate.ToString("yyyy-MM-dd");
            var sameIdentity = existing is not null &&
                               existing.ReminderId == ReminderIdentity.For(clinic.Id, input.PatientId, input.SessionId, schedule.ReminderDate);
            // The same identity that was already sent must not be sent again.
            if (!(sameIdentity && existing!.Status == ReminderStatus.Sent))
                ReminderPolicy.StartFresh(session, clinic.Id, today, now);
        }
        else if (revived && session is { Status: ReminderStatus.Skipped, Reason: SkipReason.Cancelled })
        {
            ReminderPolicy.StartFresh(session, clinic.Id, today, now);
        }
        else if (emailChanged && session.Status == ReminderStatus.Failed)
        {
            ReminderPolicy.StartFresh(session, clinic.Id, today, now, resendSent: true);
        }

        // Due row first: a crash after it leaves a row the sweep recognises as stale, never a pending reminder it cannot find.
        if (session.Status == ReminderStatus.Pending)
            await records.AddDueAsync(clinic.Id, session, now, ct);
        if (!await records.TrySaveSessionAsync(session, ct))
            return null;
        // After the session: if that write loses a race, nothing about the patient has changed yet, and a retry still
        // sees the address change it must act on (a Failed reminder re-queued).
        await records.UpsertPatientAsync(patient, ct);
        if (previousDue is not null && (previousDue != session.ReminderDate || session.Status != ReminderStatus.Pending))
            await records.RemoveDueIfPresentAsync(clinic.Id, session.PatientId, session.SessionId, previousDue, ct);

        return new Outcome(SessionView.Of(session), existing is null);
    }
}
