using Reminders.Sessions;

namespace Reminders.Patients;

/// <summary>A patient, their sessions and each reminder's status and reason.</summary>
/// <param name="OptedOut">The patient unsubscribed from this clinic's reminders (only the patient can undo it).</param>
/// <param name="Bounced">
/// Email to the patient's address bounced hard or the provider suppresses it: this clinic's reminders to it are
/// skipped (reason Bounced) until the clinic lifts it (<c>DELETE /api/patients/{patientId}/bounce</c>) or registers a new address.
/// </param>
public sealed record PatientView(string PatientId, string? Email, string? FirstName, bool OptedOut, IReadOnlyList<SessionView> Sessions, bool Bounced = false)
{
    /// <summary>Appointments the clinic booked (past ones too, until a session fulfils them): while one is upcoming, reminders are skipped (AlreadyBooked).</summary>
    public IReadOnlyList<Bookings.BookingsApi.BookingView> Bookings { get; init; } = [];

    internal static PatientView Of(PatientRecord record, bool optedOut, bool bounced = false, IReadOnlyDictionary<Guid, DeliveryView>? deliveries = null) => new(
        record.PatientId, record.Patient?.Email, record.Patient?.FirstName, optedOut,
        record.Sessions.OrderBy(s => s.InjectionDate, StringComparer.Ordinal).ThenBy(s => s.SessionId, StringComparer.Ordinal)
            .Select(s => SessionView.Of(s, deliveries)).ToList(), bounced)
    {
        Bookings = Reminders.Bookings.Booking.Read(record.Patient?.Bookings).Select(Reminders.Bookings.BookingsApi.BookingView.Of).ToList(),
    };
}
