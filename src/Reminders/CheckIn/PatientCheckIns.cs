using Reminders.Clinics;
using Reminders.Patients;
using Reminders.Plan;

namespace Reminders.CheckIn;

/// <summary>
/// Applies a patient's check-in answer to the session its email was for, with the session's ETag (a sweep, a
/// re-post or a cancel racing it makes it read again). "Not yet" plans the session's next reminder for the chosen
/// date (its waiting step moved, or a new one after the sequence ended); "no longer" ends the session's reminders
/// (Skipped, PatientDeclined) until the clinic posts a new session. The same answer again changes nothing.
/// </summary>
public sealed class PatientCheckIns(PatientRecords records, DueIndex dueIndex, Ledger.SendLedger ledger, TimeProvider time)
{
    public enum Outcome { Recorded, Unchanged, NoSession }

    /// <summary>What happened, and the date the next reminder is planned for after a "not yet".</summary>
    public sealed record Result(Outcome Outcome, DateOnly? NextReminder = null);

    public async Task<Result> AnswerAsync(Clinic clinic, CheckInTokens.Claims claims, string answer, int? weeks, CancellationToken ct)
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var record = await records.LoadSessionAsync(clinic.Id, claims.PatientId, claims.SessionId, ct);
            if (record.Patient is null || record.Session(claims.SessionId) is not { } session) return new(Outcome.NoSession);
            // A link from an email this session never had (the patient was erased and the ids registered again) is not its.
            if (!Knows(session, claims.ReminderId)) return new(Outcome.NoSession);
            var answers = CheckInAnswer.Read(session.CheckIns);
            // A second tap on the same link, a scanner replaying the POST: the answer stands as recorded.
            if (answers.LastOrDefault() is { } last && last.ReminderId == claims.ReminderId && last.Answer == answer && last.Weeks == weeks)
                return new(Outcome.Unchanged, answer == CheckInAnswer.NotYet && session.IsPending ? session.Schedule.ReminderDate : null);

            var now = time.GetUtcNow();
            var today = clinic.Today(time);
            // The ledger may know the waiting reminder went out while the session could not record it yet (a crash,
            // a storage error): record that first, or re-dating it would lose the only trace of the email on the session.
            (Guid Id, DateTimeOffset At)? sentMeanwhile = null;
            if (session.IsPending && await ledger.FindAsync(session.ReminderId, ct) is { Outcome: Ledger.LedgerOutcome.Accepted } sent)
            {
                sentMeanwhile = (session.ReminderId, sent.OutcomeAt ?? now);
                session.RecordSent(sentMeanwhile.Value.At, sent.ProviderMessageId ?? session.ReminderId.ToString(),
                    $"Sent on {sentMeanwhile.Value.At:yyyy-MM-dd HH:mm} UTC to the patient's address on file.");
            }
            session.CheckIns = CheckInAnswer.Write(answers.Append(new CheckInAnswer(answer, weeks, now, claims.ReminderId, today.DayNumber - session.InjectionDay.DayNumber)));
            session.UpdatedAt = now;
            var before = (session.IsPending, session.DuePartition, session.DueETag, session.ReminderDate, session.ReminderId);

            if (answer == CheckInAnswer.NoLonger)
            {
                if (session.IsPending)
                    session.Decide(ReminderStatus.Skipped, SkipReason.PatientDeclined,
                        $"The patient answered \"I no longer need this\" on {today:yyyy-MM-dd}; no more reminders for this session.", now);
            }
            else if (!session.Cancelled)
            {
                // The chosen date, moved to the previous open day if the clinic is closed then (never before tomorrow).
                var target = today.AddDays(7 * weeks!.Value);
                var lead = session.Schedule.ReliefEndsOn.DayNumber - target.DayNumber;
                var planned = session.Schedule;
                // A reminder already decided (sent, skipped…) keeps its story in the history; the new one follows it.
                if (!session.IsPending) ReminderSteps.Archive(session);
                ReminderPolicy.SetDates(session, session.ReliefDays, lead, clinic.ClosedDays, earliest: today.AddDays(1));
                session.SnoozedOn = today.ToString("yyyy-MM-dd");
                // Another date is another reminder (its own identity): one being sent right now stays that one.
                if (session.Schedule != planned || !session.IsPending)
                    ReminderPolicy.StartFresh(session, clinic.Id, today, now);
                if (session.IsPending)
                    session.Detail = $"Due on {session.Schedule.ReminderDate:yyyy-MM-dd}{ReminderPolicy.Shift(session)}: the patient answered \"not yet, remind me in {weeks} week{(weeks == 1 ? "" : "s")}\" on {today:yyyy-MM-dd}.";
            }

            // Due row first (a crash after it leaves a stale row the sweep recognises); the old one goes after.
            if (session.IsPending && (!before.IsPending || before.ReminderId != session.ReminderId)) await dueIndex.PutAsync(session, ct);
            var batch = records.NewBatch();
            PatientRecords.PutSession(batch, session);
            // The patient row's summary carries the latest "not yet" day: the next session's relief estimate learns from it.
            var patient = record.Patient;
            if (answer == CheckInAnswer.NotYet)
            {
                patient.Track(record.Summaries, session.SessionId, session);
                batch.Put(patient);
            }
            // The clinic's receiver hears of that email even though the session has moved on to the next reminder.
            if (sentMeanwhile is { } told)
            {
                if (session.Status != ReminderStatus.Sent) batch.AnnounceSent(session, told.Id, told.At);
                // As the sweep would have: the cap counts from it, and the statistics count it.
                if (!(patient.LastReminderSentAt >= told.At))
                {
                    if (answer == CheckInAnswer.NotYet) patient.LastReminderSentAt = told.At; // the row is written whole above
                    else batch.Merge(new Azure.Data.Tables.TableEntity(clinic.Id, patient.RowKey)
                    {
                        [nameof(PatientEntity.LastReminderSentAt)] = told.At, ETag = patient.ETag,
                    });
                }
                batch.Upsert(Stats.SentStatEntity.For(session, told.Id, told.At, clinic.TimeZone));
            }
            if (!await batch.TrySubmitAsync(ct)) continue;
            if (before.IsPending && (!session.IsPending || before.DuePartition != session.DuePartition))
                await dueIndex.TryRemoveAsync(clinic.Id, session.PatientId, session.SessionId, before.DuePartition, before.DueETag, before.ReminderDate, ct);
            return new(Outcome.Recorded, session.IsPending ? session.Schedule.ReminderDate : null);
        }
        throw new Sessions.ConcurrencyException("The session kept changing while the answer was being saved; try again.");
    }

    /// <summary>The reminder is this session's: its current one, one it sent, or one in its history.</summary>
    private static bool Knows(SessionEntity session, Guid reminderId) =>
        session.ReminderId == reminderId || session.WasSent(reminderId) || ReminderSteps.History(session).Any(h => h.ReminderId == reminderId);
}
