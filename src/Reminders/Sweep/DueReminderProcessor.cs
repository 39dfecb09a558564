using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Reminders.Configuration;
using Reminders.Email;
using Reminders.Ledger;
using Reminders.Patients;
using Reminders.Plan;
using Reminders.Telemetry;

namespace Reminders.Sweep;

/// <summary>
/// Settles one due reminder: re-checks eligibility, claims it in the send ledger, sends it, writes the provider's
/// answer to the ledger and then to the session. Whatever registration, cancel or erasure did to the session in
/// between, the ledger decides whether an email went out: an id it has seen accepted is never sent again.
/// </summary>
public sealed class DueReminderProcessor(
    PatientRecords records,
    SendLedger ledger,
    ReminderReplanner replanner,
    DueIndex dueIndex,
    Treatments.TreatmentCatalog treatments,
    IEmailSender sender,
    ReminderEmailComposer composer,
    RemindersMetrics metrics,
    IOptions<RemindersOptions> options,
    TimeProvider time,
    ILogger<DueReminderProcessor> logger)
{
    /// <summary>The transition, whether a provider was called (a reserved send was used), and why (a code, for telemetry).</summary>
    internal readonly record struct Result(Transition Transition, bool UsedProvider = false, string? Reason = null);

    internal async Task<Result> ProcessAsync(DueWork work, DispatchContext context, CancellationToken ct)
    {
        var (due, clinic) = work;
        var now = time.GetUtcNow();
        var record = await records.LoadSessionAsync(due.ClinicId, due.PatientId, due.SessionId, ct);
        var session = record.Session(due.SessionId);

        if (session is null || session.ReminderId != due.ReminderId || !session.IsPending)
        {
            // A row the session moved on from. Kept while younger than a lease: a registration may be between writing
            // it and writing its session (a revived reminder gets the same row back).
            if (due.CreatedAt + options.Value.ClaimLease >= now) return new(Transition.None, Reason: "Stale");
            // Its email may have gone out with the session moved on before the send was recorded (a crash between the
            // ledger and the session, then a re-date or an answer): the ledger says so, and the session learns it.
            if (session is not null && session.ReminderId != due.ReminderId && !session.WasSent(due.ReminderId) &&
                await ledger.FindAsync(due.ReminderId, ct) is { Outcome: LedgerOutcome.Accepted } missed)
                return await RecordLedgerTruthAsync(work, record, missed, null, context, ct)
                    ? new(Transition.Repaired, Reason: "LedgerAccepted") : new(Transition.None, Reason: "Stale");
            context.Finished(due);
            return new(Transition.None, Reason: "Stale");
        }
        if (session.PlanVersion < clinic.PlanVersion)
        {
            // Its email may already be in the ledger (a crash before the session heard): record that, or the re-planner
            // (which leaves a reminder the ledger knows alone) and this path would hand it back and forth for ever.
            if (await ledger.FindAsync(session.ReminderId, ct) is { IsFinal: true } known)
                return await RecordLedgerTruthAsync(work, record, known, null, context, ct)
                    ? new(Transition.Repaired, Reason: "LedgerFinal") : new(Transition.None, Reason: "LedgerFinal");
            // Planned under settings the clinic has since changed: re-plan first, never send on the old plan.
            await replanner.ReplanAsync(clinic, session.PatientId, session.SessionId, ct);
            return new(Transition.None, Reason: "Replanned");
        }
        if (record.Patient is null)
        {
            // Rows from before patient and session were written together: nobody to send to.
            if (due.CreatedAt + options.Value.ClaimLease < now) context.Finished(due);
            return new(Transition.None, Reason: "NoPatient");
        }

        var today = clinic.Today(time);
        var optOuts = await context.OptOutsAsync(clinic.Id, ct);
        var decision = ReminderPolicy.Evaluate(record, session, today, optOuts.Contains(record.Patient.Email), optOuts.IsBounced(record.Patient.Email), clinic);
        if (decision.Kind == "Hold")
        {
            // The email the cap counts from may be this very reminder's, recorded by an overlapping sweep between the
            // two reads above: the ledger says so, and that is the truth to record.
            if (await ledger.FindAsync(session.ReminderId, ct) is { IsFinal: true } known)
                return await RecordLedgerTruthAsync(work, record, known, null, context, ct)
                    ? new(Transition.Repaired, Reason: "LedgerFinal") : new(Transition.None, Reason: "LedgerFinal");
            // Stays pending with its due row; the note is written once, not every sweep.
            if (session.Detail != decision.Detail || session.Reason != decision.Reason)
            {
                // Checked against the patient row as read (bookings and the cap's date live there): a booking cancelled
                // meanwhile makes this note fail, and a cancel that read before it fails instead and clears it.
                session.Detail = decision.Detail;
                session.Reason = decision.Reason;
                var batch = records.NewBatch();
                PatientRecords.PutSession(batch, session);
                batch.Merge(new Azure.Data.Tables.TableEntity(record.Patient.PartitionKey, record.Patient.RowKey) { ETag = record.Patient.ETag });
                await batch.TrySubmitAsync(ct); // lost to a newer write: the next sweep looks again
            }
            return new(Transition.Deferred, Reason: decision.Reason);
        }
        if (decision != ReminderPolicy.Decision.Send)
            return await DecideWithoutSendingAsync(work, record, session, decision, now, context, ct);

        if (!options.Value.SendingEnabled)
            return new(Transition.Deferred, Reason: "SendingDisabled");
        if (session.WasSent(session.ReminderId))
        {
            // The session remembers this id as sent (an acceptance the ledger could not take): never again.
            session.RecordSent(session.SentAt ?? now, session.MessageId ?? session.ReminderId.ToString(), "Sent earlier; recorded again from the session's own record.");
            if (await records.TrySaveSessionAsync(session, ct)) context.Finished(due);
            return new(Transition.Repaired, Reason: "SentEarlier");
        }

        var claim = await ledger.ClaimAsync(session.ReminderId, context.RunId, sender.Traits, ct, due.ClinicId);
        switch (claim.Kind)
        {
            case ClaimKind.Busy:
                return new(Transition.None, Reason: "ClaimedElsewhere"); // another sender has it right now
            case ClaimKind.NotYet:
                return new(Transition.Deferred, Reason: "RetryLater");
            case ClaimKind.AlreadyAccepted:
                return await RecordLedgerTruthAsync(work, record, claim.Entry!, null, context, ct)
                    ? new(Transition.Repaired, Reason: "LedgerAccepted") : new(Transition.None, Reason: "LedgerAccepted");
            case ClaimKind.AlreadyFinal:
                return await RecordLedgerTruthAsync(work, record, claim.Entry!, null, context, ct)
                    ? new(Transition.Failed, Reason: claim.Entry!.ErrorCode) : new(Transition.None, Reason: claim.Entry!.ErrorCode);
            case ClaimKind.GaveUp:
                await RecordLedgerTruthAsync(work, record, claim.Entry!, null, context, ct);
                return new(Transition.Failed, Reason: claim.Entry!.ErrorCode);
        }

        var entry = claim.Entry!;
        // Nothing clinical in an email unless the clinic allowed naming this treatment (a cached read).
        var treatmentName = session.TreatmentId is { } treatmentId && await treatments.FindAsync(clinic.Id, treatmentId, ct) is { NameInEmail: true } named
            ? named.Name : null;
        var email = composer.Compose(new ReminderEmailComposer.Input(
            clinic, session.PatientId, session.ReminderId, record.Patient.Email, record.Patient.FirstName, session.Schedule.ReliefEndsOn, today,
            entry.Attempts, claim.PreviousAttemptUnclear, Step: session.Step, SessionId: session.SessionId, TreatmentName: treatmentName));
        EmailSendResult result;
        // The provider's latency is wall-clock time, whatever clock the service is given.
        var started = Stopwatch.GetTimestamp();
        using (var span = RemindersTelemetry.Source.StartActivity("reminders.email.send"))
        {
            span?.SetTag(RemindersTelemetry.Tags.Provider, sender.Traits.Provider);
            try
            {
                result = await sender.SendAsync(email, ct);
            }
            catch (Exception e) when (e is MimeKit.ParseException or FormatException)
            {
                // A message that cannot even be built (an address MIME refuses) fails this reminder, not the whole run.
                result = new EmailSendResult(EmailSendOutcome.Rejected, ErrorCode: "InvalidMessage", Error: e.Message);
            }
            // The error code only: a provider's error text may quote the recipient's address.
            span?.SetTag(RemindersTelemetry.Tags.Result, result.Outcome.ToString());
            span?.SetTag(RemindersTelemetry.Tags.Reason, RemindersTelemetry.Code(result.ErrorCode));
        }
        metrics.Sent(sender.Traits.Provider, result.Outcome, Stopwatch.GetElapsedTime(started));

        // From here the provider has decided: record it even if the run is being cancelled, or the email would go
        // out again after the lease. The ledger first: it is the proof nothing else can overwrite.
        var done = CancellationToken.None;
        try
        {
            entry = await ledger.RecordAsync(claim, result, sender.Traits, done);
        }
        catch (Azure.RequestFailedException e) when (result.Outcome == EmailSendOutcome.Accepted)
        {
            // The ledger would not take the write even after retries. The acceptance is known here: record it on the
            // session (which then never gets this reminder id sent again) rather than let it look like a died attempt.
            logger.LogError(e, "Reminder {ReminderId}: the provider accepted it, but the ledger could not record it (storage answered {Status}); recorded on the session",
                session.ReminderId, e.Status);
            entry = claim.Entry!; // already says Accepted, in memory
        }
        switch (entry.Outcome)
        {
            case LedgerOutcome.Accepted:
                await RecordLedgerTruthAsync(work, record, entry, result, context, done);
                return new(Transition.Sent, UsedProvider: true);
            case LedgerOutcome.Rejected or LedgerOutcome.Failed:
                await RecordLedgerTruthAsync(work, record, entry, result, context, done);
                return new(Transition.Failed, UsedProvider: true, entry.ErrorCode ?? result.ErrorCode);
            case LedgerOutcome.Unknown:
                await NoteOnSessionAsync(due, record, $"The last attempt's outcome is unclear ({result.ErrorCode}); the next attempt checks before sending again.", done);
                return new(Transition.Deferred, UsedProvider: true, result.ErrorCode ?? "OutcomeUnknown");
            default:
                if (result.Outcome == EmailSendOutcome.Misconfigured)
                {
                    logger.LogError("Email sender refused to work ({ErrorCode}): {Error}. Sending stops for this run; reminders stay pending.",
                        result.ErrorCode, result.Error);
                    await NoteOnSessionAsync(due, record, $"Not sent: the email provider is misconfigured ({result.ErrorCode}).", done);
                    return new(Transition.StopSending, UsedProvider: true, result.ErrorCode ?? "Misconfigured");
                }
                await NoteOnSessionAsync(due, record, $"Deferred to a later run: {result.ErrorCode} {result.Error}".TrimEnd(), done);
                return new(Transition.Deferred, UsedProvider: true, result.ErrorCode ?? "Transient");
        }
    }

    /// <summary>Skip or expire. The ledger is asked first: a reminder a provider already took is Sent, whatever the rules say now.</summary>
    private async Task<Result> DecideWithoutSendingAsync(DueWork work, PatientRecord record, SessionEntity session, ReminderPolicy.Decision decision,
        DateTimeOffset now, DispatchContext context, CancellationToken ct)
    {
        if (decision == ReminderPolicy.Decision.Drop) return new(Transition.None, Reason: "NoPatient");
        if (await ledger.FindAsync(session.ReminderId, ct) is { IsFinal: true } known)
            return await RecordLedgerTruthAsync(work, record, known, null, context, ct)
                ? new(Transition.Repaired, Reason: "LedgerFinal") : new(Transition.None, Reason: "LedgerFinal");

        session.Decide(decision.Kind, decision.Reason, decision.Detail, now);
        if (!await records.TrySaveSessionAsync(session, ct)) return new(Transition.None, Reason: "ChangedMeanwhile"); // a later run sees the new state
        context.Finished(work.Due);
        return new(decision.Kind == ReminderStatus.Expired ? Transition.Expired : Transition.Skipped, Reason: decision.Reason);
    }

    /// <summary>
    /// Writes a final ledger outcome onto the session, re-reading it as often as it changed meanwhile: Sent even if
    /// it was cancelled during the send (the truth), the id remembered if it was re-dated, nothing if it was erased.
    /// Then the due row goes (with the ETag it was read with, batched by the dispatcher). False when there was nothing to write.
    /// </summary>
    private async Task<bool> RecordLedgerTruthAsync(DueWork work, PatientRecord record, LedgerEntry entry, EmailSendResult? result,
        DispatchContext context, CancellationToken ct)
    {
        var (due, clinic) = work;
        var at = entry.OutcomeAt ?? time.GetUtcNow();
        bool? wrote = null; // null: the session kept changing under us
        for (var attempt = 0; attempt < 5 && wrote is null; attempt++)
        {
            if (attempt > 0) record = await records.LoadSessionAsync(due.ClinicId, due.PatientId, due.SessionId, ct);
            var session = record.Session(due.SessionId);
            var batch = records.NewBatch();
            if (session is null || !Apply(session, entry, result, at, batch))
                wrote = false; // erased (the ledger alone keeps the proof), or the session already says so
            else
            {
                // A sent step plans the next of its sequence, in the same transaction (its due row first: a crash
                // before the transaction leaves a stale row the sweep recognises). The sent one is still told.
                // For the rebooking statistics (built before the sequence moves on: it records the step that went out).
                if (entry.Outcome == LedgerOutcome.Accepted)
                    batch.Upsert(Stats.SentStatEntity.For(session, entry.ReminderId, at, clinic.TimeZone));
                if (entry.Outcome == LedgerOutcome.Accepted && session is { Status: ReminderStatus.Sent, Cancelled: false } && session.ReminderId == entry.ReminderId &&
                    ReminderSteps.Advance(session, clinic.Id, clinic.ClosedDays, clinic.Today(time), time.GetUtcNow()))
                {
                    batch.AnnounceSent(session, entry.ReminderId, at);
                    if (session.IsPending) await dueIndex.PutAsync(session, ct);
                }
                PatientRecords.PutSession(batch, session);
                // The frequency cap counts from the patient's last reminder email, whichever session it was for. Never
                // moved back (an older outcome recorded late): checked against the patient row as read.
                if (entry.Outcome == LedgerOutcome.Accepted && record.Patient is { } patient && !(patient.LastReminderSentAt >= at))
                    batch.Merge(new Azure.Data.Tables.TableEntity(due.ClinicId, PatientEntity.RowFor(due.PatientId))
                    {
                        [nameof(PatientEntity.LastReminderSentAt)] = at, ETag = patient.ETag,
                    });
                if (await batch.TrySubmitAsync(ct)) wrote = true;
            }
        }
        if (wrote is null)
        {
            // The due row stays, so the next run finds the reminder and brings the session in line with the ledger.
            logger.LogWarning("Reminder {ReminderId}: the outcome is in the ledger; the session kept changing and is brought in line by a later run", entry.ReminderId);
            return false;
        }
        context.Finished(due);
        return wrote.Value;
    }

    /// <summary>Applies the ledger's final outcome to the session; false when the session already says so.</summary>
    private static bool Apply(SessionEntity session, LedgerEntry entry, EmailSendResult? result, DateTimeOffset at, Storage.PartitionBatch batch)
    {
        var reminderId = entry.ReminderId;
        if (entry.Outcome == LedgerOutcome.Accepted)
        {
            var messageId = entry.ProviderMessageId ?? reminderId.ToString();
            if (session.ReminderId != reminderId)
            {
                if (session.WasSent(reminderId)) return false;
                if (session.IsPending && session.ReplannedFrom == reminderId && session.ReminderSteps is not null)
                {
                    // A step of a sequence went out as planned before the clinic's settings changed: it is the sent
                    // step (the re-planned copy is dropped), and the sequence goes on from it.
                    session.ReminderId = reminderId;
                    session.ReplannedFrom = null;
                    session.RecordSent(at, messageId, $"Sent on {at:yyyy-MM-dd HH:mm} UTC, as planned before the clinic's settings changed.");
                    return true;
                }
                if (session.IsPending && session.ReplannedFrom == reminderId)
                {
                    // A settings change re-planned it while its email was going out: that email was this session's reminder.
                    session.RecordSent(at, messageId, $"Sent on {at:yyyy-MM-dd HH:mm} UTC, as planned before the clinic's settings changed.");
                    session.Decide(ReminderStatus.Skipped, SkipReason.AlreadySent,
                        $"The reminder planned before the clinic's settings changed was sent on {at:yyyy-MM-dd HH:mm} UTC.", at);
                    session.RememberSent(reminderId);
                    batch.AnnounceSent(session, reminderId, at);
                    return true;
                }
                // Re-dated by the clinic while it was being sent: the session's new reminder stands; remember the one that went out.
                session.RememberSent(reminderId);
                batch.AnnounceSent(session, reminderId, at);
                return true;
            }
            if (session.Status == ReminderStatus.Sent) return false;
            var detail = session.Cancelled
                ? $"Sent on {at:yyyy-MM-dd HH:mm} UTC to the patient's address on file, before the clinic's cancellation took effect."
                : $"Sent on {at:yyyy-MM-dd HH:mm} UTC to the patient's address on file.";
            session.RecordSent(at, messageId, detail);
            if (result is { AwaitsFinalStatus: true })
                batch.Upsert(new UnsettledMarker
                {
                    PartitionKey = session.PartitionKey, RowKey = UnsettledMarker.RowFor(session.PatientId, reminderId),
                    PatientId = session.PatientId, SessionId = session.SessionId, ReminderId = reminderId,
                    ProviderMessageId = messageId, AcceptedAt = at,
                });
            return true;
        }

        // Rejected or given up: only a reminder still waiting for an email fails; a skip that came meanwhile stands.
        if (session.ReminderId != reminderId || !session.IsPending) return false;
        var code = entry.ErrorCode ?? "Rejected";
        session.Decide(ReminderStatus.Failed, code, result?.Error ?? FailureDetail(code), at);
        return true;
    }

    private static string FailureDetail(string code) => code switch
    {
        LedgerReason.DeliveryUnknown => "Whether the email provider took this message could not be known; it is not sent again automatically.",
        LedgerReason.AttemptsExhausted => "The email provider could not be reached in the allowed number of attempts.",
        _ => $"The email provider rejected the message ({code}).",
    };

    /// <summary>Leaves a note on a reminder that stays pending (an unclear attempt), if the session still holds it.</summary>
    private async Task NoteOnSessionAsync(DueEntity due, PatientRecord record, string detail, CancellationToken ct)
    {
        var session = record.Session(due.SessionId);
        if (session is null || session.ReminderId != due.ReminderId || !session.IsPending) return;
        session.Detail = detail;
        session.Reason = null; // no longer held for anything: an attempt was made
        await records.TrySaveSessionAsync(session, ct); // lost to a newer write: that one says more
    }
}
