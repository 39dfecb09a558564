using Reminders.Clinics;
using Reminders.Email;
using Reminders.Patients;
using Reminders.Plan;

namespace Reminders.Sessions;

/// <summary>Registers (upserts) a session and keeps its reminder and the due index in step with it.</summary>
public sealed class SessionRegistration(PatientRecords records, DueIndex dueIndex, ReminderReplanner replanner, Treatments.TreatmentCatalog treatments, TimeProvider time)
{
    public sealed record Outcome(SessionView Session, bool Created);

    public async Task<Outcome> RegisterAsync(Clinic clinic, ValidSession input, CancellationToken ct)
    {
        var treatment = await TreatmentOfAsync(clinic, input, ct);
        for (var attempt = 0; ; attempt++)
        {
            var outcome = await TryRegisterAsync(clinic, input, treatment, thorough: attempt > 0, ct);
            if (outcome is not null) return outcome;
            if (attempt == 4) throw new ConcurrencyException("The session kept changing while it was being saved; try again.");
        }
    }

    /// <summary>The session's treatment (null when it names none); an unknown one, or a relief outside its guardrails, is the caller's 400.</summary>
    private async Task<Treatments.Treatment?> TreatmentOfAsync(Clinic clinic, ValidSession input, CancellationToken ct)
    {
        if (input.TreatmentId is not { } id) return null;
        var treatment = await treatments.FindAsync(clinic.Id, id, ct)
                        ?? throw new SessionInputException("treatmentId", $"This clinic has no treatment '{id}' (the admin sets it with PUT /api/clinics/{clinic.Id}/treatments/{id}).");
        if (input.ReliefDays is { } days && (days < treatment.MinReliefDays || days > treatment.MaxReliefDays))
            throw new SessionInputException("reliefDays", $"reliefDays must lie within the guardrails of treatment {id} ({treatment.MinReliefDays}-{treatment.MaxReliefDays} days).");
        return treatment;
    }

    /// <param name="thorough">After a lost race: read the session whatever the summary says (rows written before summaries).</param>
    private async Task<Outcome?> TryRegisterAsync(Clinic clinic, ValidSession input, Treatments.Treatment? treatment, bool thorough, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var today = clinic.Today(time);
        // Reads by key: the patient row (with a summary of every session), and this session if the summary lists it.
        var record = thorough
            ? await records.LoadSessionAsync(clinic.Id, input.PatientId, input.SessionId, ct)
            : await records.LoadForRegistrationAsync(clinic.Id, input.PatientId, input.SessionId, ct);
        var existing = record.Session(input.SessionId);
        if (existing is null && record.SessionCount >= PatientRecords.MaxSessionsPerPatient)
            throw new SessionLimitException($"This patient already has {PatientRecords.MaxSessionsPerPatient} sessions, the most one patient may have.");

        var patient = record.Patient ?? new PatientEntity
        {
            PartitionKey = clinic.Id, RowKey = PatientEntity.RowFor(input.PatientId), PatientId = input.PatientId, CreatedAt = now,
        };
        var emailChanged = record.Patient is not null &&
                           EmailAddresses.Normalize(record.Patient.Email) != EmailAddresses.Normalize(input.Email);
        var patientChanged = record.Patient is null || record.Patient.Email != input.Email ||
                             (input.FirstName is not null && input.FirstName != record.Patient.FirstName);
        patient.Email = input.Email;
        patient.FirstName = input.FirstName ?? patient.FirstName;

        var session = existing ?? new SessionEntity
        {
            PartitionKey = clinic.Id, RowKey = SessionEntity.RowFor(input.PatientId, input.SessionId),
            PatientId = input.PatientId, SessionId = input.SessionId, CreatedAt = now,
        };
        var before = existing is null ? null : Snapshot(existing);

        // The relief in force is snapshotted: a body without reliefDays keeps the session's own (a nightly re-sync
        // never moves a reminder), unless the clinic's settings changed since it was planned and it is still pending.
        // (Not while its email is going out: the sweep records that, and re-plans it if it is still pending.)
        var replan = existing is null ||
                     (existing.IsPending && existing.PlanVersion < clinic.PlanVersion && !await replanner.IsBeingSentAsync(existing.ReminderId, ct));
        var explicitRelief = input.ReliefDays is not null || (existing?.ReliefDaysExplicit ?? false);
        var treatmentChanged = existing is not null && existing.TreatmentId != input.TreatmentId;
        // A new session, a re-plan or another treatment: estimate (the patient's own history first). Otherwise the
        // session keeps the relief it was planned with.
        // A treatment named afterwards re-estimates only a reminder still waiting, never one sent or going out.
        var reestimate = treatmentChanged && existing!.IsPending && !await replanner.IsBeingSentAsync(existing.ReminderId, ct);
        var estimate = input.ReliefDays is { } posted ? Treatments.ReliefEstimate.Explicit(posted)
            : existing is null || reestimate || (replan && !explicitRelief)
                ? Treatments.ReliefEstimate.Choose(clinic, treatment, record.Summaries, input.SessionId, input.InjectionDate)
                : new Treatments.ReliefEstimate(existing.ReliefDays, existing.ReliefSource ?? (explicitRelief ? Treatments.ReliefEstimate.FromSession : Treatments.ReliefEstimate.FromClinic),
                    existing.ReliefBasis ?? "");
        var reliefDays = estimate.Days;
        // The reminder sequence: a new session, or a waiting one naming another treatment, takes its treatment's (none
        // named: one step, the clinic's lead time); otherwise the session keeps its own, at the step it reached.
        var freshSteps = existing is null || reestimate;
        var steps = freshSteps ? treatment?.Steps : ReminderSteps.Read(existing!.ReminderSteps);
        var step = steps is null || existing is null ? 0 : Math.Min(existing.Step, steps.Count - 1);
        // A date the patient chose ("not yet") stands while the injection date does.
        var keepSnooze = existing?.SnoozedOn is not null && existing.InjectionDay == input.InjectionDate && !reestimate;
        // (the date itself: a relief re-posted or re-estimated moves the relief end, never the day the patient chose)
        var remindDaysBefore = keepSnooze ? input.InjectionDate.AddDays(reliefDays).DayNumber - existing!.Schedule.ReminderDate.DayNumber
            : steps is not null ? -steps[step]
            : replan ? clinic.RemindDaysBefore : ReminderPolicy.RemindDaysBefore(existing!);
        var newSchedule = ReminderSchedule.For(input.InjectionDate, reliefDays, remindDaysBefore, clinic.ClosedDays);
        // The plan as posted (injection, relief, lead time). Closed days move the stored date only when the reminder is
        // re-planned: a re-post must never give a sent, or going-out, reminder a new date (and so a new identity).
        var sameDates = existing is not null && existing.InjectionDay == input.InjectionDate && existing.ReliefDays == reliefDays &&
                        ReminderPolicy.RemindDaysBefore(existing) == remindDaysBefore && existing.Schedule.ReliefEndsOn == newSchedule.ReliefEndsOn &&
                        (!replan || existing.Schedule == newSchedule);
        var revived = session.Cancelled;

        if (existing is not null && sameDates && !revived && !patientChanged && !treatmentChanged && existing.ReliefDaysExplicit == explicitRelief &&
            existing.ReminderSteps == (steps is null ? null : ReminderSteps.Write(steps)) &&
            (!replan || existing.PlanVersion == clinic.PlanVersion))
            return new Outcome(SessionView.Of(existing), Created: false); // nothing to write: a re-sync costs one read

        session.InjectionDate = input.InjectionDate.ToString("yyyy-MM-dd");
        session.ReliefDaysExplicit = explicitRelief;
        session.TreatmentId = input.TreatmentId;
        session.ReminderSteps = steps is null ? null : ReminderSteps.Write(steps);
        if (!keepSnooze) session.SnoozedOn = null;
        session.Step = step;
        session.ReliefSource = estimate.Source;
        session.ReliefBasis = estimate.Basis;
        session.Cancelled = false;
        session.UpdatedAt = now;
        patient.UpdatedAt = now;
        if (replan) session.PlanVersion = clinic.PlanVersion;

        if (!sameDates)
        {
            var sameIdentity = existing is not null &&
                               existing.ReminderId == ReminderIdentity.For(clinic.Id, input.PatientId, input.SessionId, newSchedule.ReminderDate, existing.ReminderGeneration);
            // The same identity that was already sent must not be sent again.
            var fresh = !(sameIdentity && existing!.Status == ReminderStatus.Sent);
            if (fresh) KeepEmailOutcome(session); // before the dates change: it keeps the date it had
            ReminderPolicy.SetDates(session, reliefDays, remindDaysBefore, clinic.ClosedDays);
            if (fresh) ReminderPolicy.StartFresh(session, clinic.Id, today, now);
        }
        else if (revived && session is { Status: ReminderStatus.Skipped, Reason: SkipReason.Cancelled })
        {
            ReminderPolicy.StartFresh(session, clinic.Id, today, now);
        }
        else if (emailChanged && session.Status == ReminderStatus.Failed)
        {
            KeepEmailOutcome(session);
            ReminderPolicy.StartFresh(session, clinic.Id, today, now, resendSent: true);
        }

        // Due row first: a crash after it leaves a row the sweep recognises as stale, never a pending reminder it
        // cannot find. A pending reminder whose row is already in place (same date and id) keeps it.
        if (session.IsPending && !(before is { Pending: true } && before.ReminderId == session.ReminderId && session.DuePartition is not null))
            await dueIndex.PutAsync(session, ct);

        // Patient and session in one transaction, the patient row checked: a concurrent erasure or registration of
        // this patient makes it fail as a whole, and it is tried again from a fresh read.
        patient.Track(record.Summaries, session.SessionId, session);
        // A session posted for the patient is the visit a booking was for (or a later one): the booking is done.
        if (patient.Bookings is not null)
            patient.Bookings = Bookings.Booking.Write(Bookings.Booking.Unfulfilled(Bookings.Booking.Read(patient.Bookings), input.InjectionDate, input.TreatmentId));
        var batch = records.NewBatch();
        batch.Put(patient);
        PatientRecords.PutSession(batch, session);
        if (!await batch.TrySubmitAsync(ct))
            return null;

        // The old due row goes only with the ETag this session wrote it with: one rewritten since stays.
        if (before is { Pending: true } && (before.DuePartition != session.DuePartition || !session.IsPending))
            await dueIndex.TryRemoveAsync(clinic.Id, session.PatientId, session.SessionId, before.DuePartition, before.DueETag, before.ReminderDate, ct);

        return new Outcome(SessionView.Of(session), existing is null);
    }

    /// <summary>A patient and session that did not exist before, as registration creates them (for the batch's insert-only path).</summary>
    internal static (PatientEntity Patient, SessionEntity Session) NewAggregate(Clinic clinic, ValidSession input, DateTimeOffset now, DateOnly today)
    {
        var patient = new PatientEntity
        {
            PartitionKey = clinic.Id, RowKey = PatientEntity.RowFor(input.PatientId), PatientId = input.PatientId,
            Email = input.Email, FirstName = input.FirstName, CreatedAt = now, UpdatedAt = now,
        };
        var session = new SessionEntity
        {
            PartitionKey = clinic.Id, RowKey = SessionEntity.RowFor(input.PatientId, input.SessionId), PatientId = input.PatientId,
            SessionId = input.SessionId, CreatedAt = now, UpdatedAt = now, InjectionDate = input.InjectionDate.ToString("yyyy-MM-dd"),
            ReliefDaysExplicit = input.ReliefDays is not null, PlanVersion = clinic.PlanVersion, TreatmentId = input.TreatmentId,
        };
        // A new patient has no history, and the batch sends sessions naming a treatment the regular way.
        var estimate = input.ReliefDays is { } posted ? Treatments.ReliefEstimate.Explicit(posted) : Treatments.ReliefEstimate.Choose(clinic, null, [], input.SessionId, input.InjectionDate);
        (session.ReliefSource, session.ReliefBasis) = (estimate.Source, estimate.Basis);
        ReminderPolicy.SetDates(session, estimate.Days, clinic.RemindDaysBefore, clinic.ClosedDays);
        ReminderPolicy.StartFresh(session, clinic.Id, today, now);
        patient.Track([], session.SessionId, session);
        return (patient, session);
    }

    private sealed record DueSnapshot(bool Pending, Guid ReminderId, string? DuePartition, string? DueETag, string ReminderDate);

    private static DueSnapshot Snapshot(SessionEntity s) => new(s.IsPending, s.ReminderId, s.DuePartition, s.DueETag, s.ReminderDate);

    /// <summary>
    /// A reminder email that went out, or failed to, stays in the session's story (its earlier steps) when a re-posted
    /// session replaces it with a new reminder: staff still see it was sent, when, and with which message id.
    /// </summary>
    private static void KeepEmailOutcome(SessionEntity session)
    {
        if (session.Status is ReminderStatus.Sent or ReminderStatus.Failed) ReminderSteps.Archive(session, replaced: true);
    }
}
