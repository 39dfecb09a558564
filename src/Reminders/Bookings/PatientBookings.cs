using Azure;
using Reminders.Clinics;
using Reminders.Patients;
using Reminders.Plan;
using Reminders.Storage;

namespace Reminders.Bookings;

/// <summary>
/// A patient's booked appointments, on the patient row: written with its ETag, so a booking, a registration and an
/// erasure of the same patient never both succeed from the same read.
/// </summary>
public sealed class PatientBookings(ReminderTables tables, PatientRecords records, DueIndex dueIndex, TimeProvider time)
{
    public enum Outcome { Created, Updated, NoPatient, TooMany }

    public async Task<(Outcome Outcome, Booking? Booking)> PutAsync(string clinicId, string patientId, string bookingId, DateOnly date, string? treatmentId, CancellationToken ct)
    {
        await tables.EnsureCreatedAsync(ct);
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var read = await tables.Patients.GetEntityIfExistsAsync<PatientEntity>(clinicId, PatientEntity.RowFor(patientId), cancellationToken: ct);
            if (!read.HasValue) return (Outcome.NoPatient, null);
            var patient = read.Value!;
            var bookings = Booking.Read(patient.Bookings);
            var existing = bookings.FirstOrDefault(b => b.BookingId == bookingId);
            if (existing is null && bookings.Count >= Booking.MaxPerPatient) return (Outcome.TooMany, null);
            var booking = new Booking(bookingId, date, treatmentId, existing?.CreatedAt ?? time.GetUtcNow());
            if (existing == booking) return (Outcome.Updated, booking);
            patient.Bookings = Booking.Write(bookings.Where(b => b.BookingId != bookingId).Append(booking));
            patient.UpdatedAt = time.GetUtcNow();
            try
            {
                await tables.Patients.UpdateEntityAsync(patient, patient.ETag, Azure.Data.Tables.TableUpdateMode.Replace, ct);
                return (existing is null ? Outcome.Created : Outcome.Updated, booking);
            }
            catch (RequestFailedException e) when (e.IsLostRace())
            {
                // The patient changed meanwhile (a registration, another booking): read again.
            }
        }
        throw new Sessions.ConcurrencyException("The patient kept changing while the booking was being saved; try again.");
    }

    /// <summary>
    /// Cancels a booking. The reminders it held back (Pending, AlreadyBooked) lose that note in the same transaction
    /// and the next sweep sends them; if another booking still stands, the sweep holds them again.
    /// False: no such booking; null: no such patient.
    /// </summary>
    public async Task<bool?> CancelAsync(Clinic clinic, string patientId, string bookingId, CancellationToken ct)
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var record = await records.LoadAsync(clinic.Id, patientId, ct);
            if (record.Patient is not { } patient) return null;
            var bookings = Booking.Read(patient.Bookings);
            if (bookings.All(b => b.BookingId != bookingId)) return false;
            var now = time.GetUtcNow();
            patient.Bookings = Booking.Write(bookings.Where(b => b.BookingId != bookingId));
            patient.UpdatedAt = now;

            var batch = records.NewBatch();
            batch.Put(patient);
            var held = record.Sessions
                .Where(s => s is { Reason: SkipReason.AlreadyBooked, Cancelled: false } && (s.IsPending || s.Status == ReminderStatus.Skipped))
                .OrderByDescending(s => s.InjectionDay)
                .Take(PartitionBatch.MaxActions / 2 - 1) // two rows each (session and marker) beside the patient row
                .ToList();
            foreach (var session in held)
            {
                if (session.IsPending)
                {
                    // Held at send time and still due (its due row stands): the next sweep sends it; say so now.
                    session.Reason = null;
                    session.Detail = $"Due on {session.Schedule.ReminderDate:yyyy-MM-dd}{ReminderPolicy.Shift(session)}; the booking that held it was cancelled.";
                    PatientRecords.PutSession(batch, session);
                    continue;
                }
                // Skipped by an earlier version of the rules (a booking used to end the reminder): planned again.
                ReminderPolicy.StartFresh(session, clinic.Id, clinic.Today(time), now);
                // Due row first: a crash after it leaves a stale row the sweep recognises, never a pending reminder it cannot find.
                if (session.IsPending) await dueIndex.PutAsync(session, ct);
                PatientRecords.PutSession(batch, session);
            }
            if (await batch.TrySubmitAsync(ct)) return true;
        }
        throw new Sessions.ConcurrencyException("The patient kept changing while the booking was being cancelled; try again.");
    }
}
