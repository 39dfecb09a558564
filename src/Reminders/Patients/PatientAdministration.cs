using Azure;
using Reminders.Plan;
using Reminders.Sessions;
using Reminders.Storage;

namespace Reminders.Patients;

/// <summary>What a clinic can do to a patient it already registered: look, cancel a session, erase.</summary>
public sealed class PatientAdministration(
    PatientRecords records, DueIndex dueIndex, Clinics.ClinicDirectory clinics, Unsubscribe.OptOuts optOuts, Ledger.SendLedger ledger,
    Webhooks.WebhookErasure webhooks, TimeProvider time)
{
    public async Task<PatientView?> FindAsync(string clinicId, string patientId, CancellationToken ct)
    {
        var record = await records.LoadAsync(clinicId, patientId, ct);
        if (!record.Exists) return null;
        var optedOut = record.Patient is not null ? optOuts.IsOptedOutAsync(clinicId, record.Patient.Email, ct) : Task.FromResult(false);
        var bounced = record.Patient is not null ? optOuts.IsBouncedAsync(clinicId, record.Patient.Email, ct) : Task.FromResult(false);
        var deliveries = DeliveryView.ReadAsync(ledger, record.Sessions, ct);
        return PatientView.Of(record, await optedOut, await bounced, await deliveries);
    }

    /// <summary>
    /// Lifts a bounce on the patient's current address (the clinic checked it): their reminders are sent again. Null
    /// when there is no such patient; otherwise whether there was a bounce to lift.
    /// </summary>
    public async Task<bool?> LiftBounceAsync(string clinicId, string patientId, CancellationToken ct)
    {
        var record = await records.LoadAsync(clinicId, patientId, ct);
        if (record.Patient is null) return null;
        return await optOuts.LiftBounceAsync(clinicId, record.Patient.Email, ct);
    }

    /// <summary>
    /// Cancels a session entered in error. It stays as a record, never supersedes, and its reminder is skipped. The
    /// session, the reminders it had superseded (which get a fresh start) and the patient row change in one transaction.
    /// </summary>
    public async Task<bool> CancelSessionAsync(string clinicId, string patientId, string sessionId, CancellationToken ct)
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var record = await records.LoadAsync(clinicId, patientId, ct);
            var session = record.Session(sessionId);
            if (session is null) return false;
            if (session.Cancelled) return true;

            var now = time.GetUtcNow();
            var dropped = new List<(SessionEntity Session, string? Partition, string? ETag, string Date)>();
            if (session.IsPending) dropped.Add((session, session.DuePartition, session.DueETag, session.ReminderDate));
            session.Cancelled = true;
            session.UpdatedAt = now;
            if (session.IsPending)
                session.Decide(ReminderStatus.Skipped, SkipReason.Cancelled, "The clinic cancelled this session.", now);

            var batch = records.NewBatch();
            if (record.Patient is not null)
            {
                record.Patient.UpdatedAt = now;
                record.Patient.Track(record.Summaries, session.SessionId, session);
                batch.Put(record.Patient);
            }
            PatientRecords.PutSession(batch, session);
            await RestoreSupersededAsync(clinicId, record, session, batch, now, ct);
            if (!await batch.TrySubmitAsync(ct)) continue;

            foreach (var (s, partition, etag, date) in dropped)
                await dueIndex.TryRemoveAsync(clinicId, s.PatientId, s.SessionId, partition, etag, date, ct);
            return true;
        }
        throw new ConcurrencyException("The session kept changing while it was being cancelled; try again.");
    }

    /// <summary>
    /// A cancelled session never supersedes: reminders it had superseded get a fresh start. If another session still
    /// supersedes them, the sweep skips them again, with that session named. Their due rows are written first, so a
    /// crash leaves a stale row, never a pending reminder without one.
    /// </summary>
    private async Task RestoreSupersededAsync(string clinicId, PatientRecord record, SessionEntity cancelled, PartitionBatch batch, DateTimeOffset now, CancellationToken ct)
    {
        var superseded = record.Sessions
            .Where(s => s.SessionId != cancelled.SessionId && s is { Status: ReminderStatus.Skipped, Reason: SkipReason.Superseded })
            .OrderByDescending(s => s.InjectionDay) // the newest first: the one that matters is never beyond the cap
            .Take(PartitionBatch.MaxActions / 2 - 2) // two rows each (session and marker) beside the patient and the cancelled session
            .ToList();
        if (superseded.Count == 0) return;
        var clinic = await clinics.FindAsync(clinicId, ct);
        if (clinic is null) return;
        foreach (var session in superseded)
        {
            ReminderPolicy.StartFresh(session, clinicId, clinic.Today(time), now);
            if (session.IsPending) await dueIndex.PutAsync(session, ct);
            PatientRecords.PutSession(batch, session);
        }
    }

    /// <summary>
    /// Erases every row about the patient. What lies outside their partition goes first (the due rows of every
    /// session, by key, and the patient id on opt-out rows), then sessions, markers and the patient row in
    /// entity-group transactions, the patient row last and checked: a registration that slips in makes the erasure
    /// start over and take it too, and an erasure interrupted part-way is finished by the clinic's retry. The send
    /// ledger stays: it holds no personal data and is what stops a re-sent email if the patient is registered again.
    /// </summary>
    public async Task<bool> EraseAsync(string clinicId, string patientId, CancellationToken ct)
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var record = await records.LoadAsync(clinicId, patientId, ct);
            if (!record.Exists) return attempt > 0;

            // The patient is going: their due rows go whatever they hold (a registration racing this one is erased too).
            foreach (var session in record.Sessions)
                await dueIndex.TryRemoveAsync(clinicId, patientId, session.SessionId, session.DuePartition, null, session.ReminderDate, ct);
            await optOuts.ForgetPatientAsync(clinicId, patientId, ct);
            await webhooks.ForgetPatientAsync(clinicId, patientId, record.Sessions.SelectMany(s => s.SentReminderIds?.Split(';') ?? []), ct);

            var rows = new List<(string RowKey, ETag ETag)>();
            foreach (var session in record.Sessions)
            {
                rows.Add((session.RowKey, session.ETag));
                if (session.HasPendingMarker) rows.Add((PendingMarker.RowFor(patientId, session.SessionId), ETag.All));
            }
            await foreach (var unsettled in records.RowsWithPrefixAsync<UnsettledMarker>(clinicId, UnsettledMarker.Prefix + patientId + "|", null, ct))
                rows.Add((unsettled.RowKey, ETag.All));
            // Their sent-reminder rows for the statistics are keyed by time: found by patient across the clinic's (erasure is rare).
            await foreach (var stat in records.StatRowsOfAsync(clinicId, patientId, ct))
                rows.Add((stat, ETag.All));
            if (record.Patient is not null) rows.Add((record.Patient.RowKey, record.Patient.ETag));

            var complete = true;
            foreach (var chunk in rows.Chunk(PartitionBatch.MaxActions))
            {
                var batch = records.NewBatch();
                foreach (var (rowKey, etag) in chunk) batch.Delete(clinicId, rowKey, etag);
                if (!await batch.TrySubmitAsync(ct))
                {
                    complete = false;
                    break;
                }
            }
            if (complete) return true;
            // A row changed meanwhile: read again and erase what is there now.
        }
        throw new ConcurrencyException("The patient kept changing while being erased; try again.");
    }
}
