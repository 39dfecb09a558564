using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Reminders.Clinics;
using Reminders.Configuration;
using Reminders.Email;
using Reminders.Patients;
using Reminders.Plan;

namespace Reminders.Sweep;

/// <summary>Settles one due reminder: re-checks eligibility, claims it, sends it and records the outcome.</summary>
public sealed class DueReminderProcessor(
    PatientRecords records,
    DeliverySettlement settlement,
    Unsubscribe.OptOuts optOuts,
    IEmailSender sender,
    ReminderEmailComposer composer,
    IOptions<RemindersOptions> options,
    TimeProvider time,
    ILogger<DueReminderProcessor> logger)
{
    internal async Task<Transition> ProcessAsync(DueEntity due, Clinic clinic, string runId, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var record = await records.LoadAsync(due.ClinicId, due.PatientId, ct);
        var session = record.Session(due.SessionId);

        if (session is null || session.ReminderId != due.ReminderId || session.Status != ReminderStatus.Pending)
        {
            await RemoveStaleAsync(due, session, now, ct);
            return Transition.None;
        }
        if (session.ClaimedUntil > now)
            return Transition.None; // another run is sending it right now

        var today = clinic.Today(time);
        var optedOut = record.Patient is not null && await optOuts.IsOptedOutAsync(due.ClinicId, record.Patient.Email, ct);
        var decision = ReminderPolicy.Evaluate(record, session, today, optedOut);
        if (decision == ReminderPolicy.Decision.Drop)
        {
            // No patient row: a registration between its two writes (session first), or an erasure. Send nothing;
            // drop the row only once it is older than a lease, as for any other stale row.
            if (due.CreatedAt + options.Value.ClaimLease < now) await RemoveDueAsync(due, ct);
            return Transition.None;
        }
        if (decision != ReminderPolicy.Decision.Send)
        {
            session.Decide(decision.Kind, decision.Reason, decision.Detail, now);
            if (!await records.TrySaveSessionAsync(session, ct)) return Transition.None; // changed meanwhile: a later run sees the new state
            await RemoveDueAsync(due, ct);
            return decision.Kind == ReminderStatus.Expired ? Transition.Expired : Transition.Skipped;
        }

        if (!options.Value.SendingEnabled)
            return Transition.Deferred;

        // The claim: a conditional write that only one run can win. A run that crashes after it leaves the claim
        // to expire, and the next run sends again under the same reminder id.
        session.ClaimedBy = runId;
        session.ClaimedUntil = now + options.Value.ClaimLease;
        session.Attempts++;
        if (!await records.TrySaveSessionAsync(session, ct)) return Transition.None;

        var email = composer.Compose(new ReminderEmailComposer.Input(
            clinic, session.PatientId, session.ReminderId, record.Patient!.Email, record.Patient.FirstName, session.Schedule.ReliefEndsOn, today, session.Attempts));
        EmailSendResult result;
        try
        {
            result = await sender.SendAsync(email, ct);
        }
        catch (Exception e) when (e is MimeKit.ParseException or FormatException)
        {
            // A message that cannot even be built (an address MIME refuses) fails this reminder, not the whole run.
            result = new EmailSendResult(EmailSendOutcome.Rejected, ErrorCode: "InvalidMessage", Error: e.Message);
        }
        var at = time.GetUtcNow();
        // From here the provider has decided: record it even if the run is being cancelled, or the email would go
        // out again after the lease.
        var done = CancellationToken.None;

        switch (result.Outcome)
        {
            case EmailSendOutcome.Accepted:
                var recorded = await RecordAsync(session, runId, s => s.RecordSent(
                    at, result.ProviderMessageId ?? email.MessageId, $"Sent on {at:yyyy-MM-dd HH:mm} UTC to the patient's address on file."), done);
                if (result.AwaitsFinalStatus)
                    await settlement.TrackAsync(session, result.ProviderMessageId ?? email.MessageId, at, done);
                if (recorded) await RemoveDueAsync(due, done);
                return Transition.Sent;

            case EmailSendOutcome.Rejected:
                if (await RecordAsync(session, runId, s => s.Decide(ReminderStatus.Failed, result.ErrorCode ?? "Rejected",
                        result.Error ?? $"The email provider rejected the message ({result.ErrorCode ?? "no reason given"}).", at), done))
                    await RemoveDueAsync(due, done);
                return Transition.Failed;

            case EmailSendOutcome.Misconfigured:
                logger.LogError("Email sender refused to work ({ErrorCode}): {Error}. Sending stops for this run; reminders stay pending.",
                    result.ErrorCode, result.Error);
                await RecordAsync(session, runId, s => Release(s, $"Not sent: the email provider is misconfigured ({result.ErrorCode})."), done);
                return Transition.StopSending;

            default:
                await RecordAsync(session, runId, s => Release(s, $"Deferred to a later run: {result.ErrorCode} {result.Error}".TrimEnd()), done);
                return Transition.Deferred;
        }
    }

    private static void Release(SessionEntity session, string detail)
    {
        session.ClaimedBy = null;
        session.ClaimedUntil = null;
        session.Detail = detail;
    }

    /// <summary>
    /// Writes the outcome onto the claimed session; if it changed meanwhile, re-reads and applies again while the claim
    /// is still ours. False when the session moved on (re-posted, cancelled): its due row then belongs to the new state.
    /// </summary>
    private async Task<bool> RecordAsync(SessionEntity session, string runId, Action<SessionEntity> apply, CancellationToken ct)
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            apply(session);
            if (await records.TrySaveSessionAsync(session, ct)) return true;

            var fresh = (await records.LoadAsync(session.PartitionKey, session.PatientId, ct)).Session(session.SessionId);
            if (fresh is null || fresh.ReminderId != session.ReminderId || fresh.ClaimedBy != runId)
            {
                logger.LogWarning("Reminder {ReminderId} changed while it was being sent; its outcome was not recorded.", session.ReminderId);
                return false;
            }
            session = fresh;
        }
        return false;
    }

    /// <summary>
    /// A due row whose session moved on. Finished reminders are cleaned up at once; a row newer than a lease is
    /// left alone, because a registration may be between writing it and writing its session.
    /// </summary>
    private async Task RemoveStaleAsync(DueEntity due, SessionEntity? session, DateTimeOffset now, CancellationToken ct)
    {
        var finished = session is not null && session.ReminderId == due.ReminderId && session.Status != ReminderStatus.Pending;
        if (finished || due.CreatedAt + options.Value.ClaimLease < now)
            await RemoveDueAsync(due, ct);
    }

    private Task RemoveDueAsync(DueEntity due, CancellationToken ct) =>
        records.RemoveDueIfPresentAsync(due.ClinicId, due.PatientId, due.SessionId, due.PartitionKey, ct);
}
