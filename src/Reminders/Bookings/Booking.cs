using System.Text.Json;

namespace Reminders.Bookings;

/// <summary>
/// An appointment the clinic booked for the patient: while one is on or after today, their reminders are skipped
/// (AlreadyBooked). Kept on the patient row, which the send already reads, so checking costs no storage request.
/// </summary>
public sealed record Booking(string BookingId, DateOnly Date, string? TreatmentId, DateTimeOffset CreatedAt)
{
    /// <summary>A patient has at most this many bookings at once (the patient row stays small).</summary>
    public const int MaxPerPatient = 20;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static IReadOnlyList<Booking> Read(string? stored) =>
        string.IsNullOrEmpty(stored) ? [] : JsonSerializer.Deserialize<List<Booking>>(stored, Json) ?? [];

    public static string? Write(IEnumerable<Booking> bookings)
    {
        var list = bookings.OrderBy(b => b.Date).ThenBy(b => b.BookingId, StringComparer.Ordinal).ToList();
        return list.Count == 0 ? null : JsonSerializer.Serialize(list, Json);
    }

    /// <summary>The first booking on or after <paramref name="today"/> for the session's treatment, or null.</summary>
    public static Booking? Upcoming(IReadOnlyList<Booking> bookings, DateOnly today, string? treatmentId = null) =>
        bookings.Where(b => b.Date >= today && Plan.ReminderPolicy.SameTreatment(b.TreatmentId, treatmentId)).MinBy(b => b.Date);

    /// <summary>How far ahead of its booked day a visit may come and still be the one booked (moved a little earlier).</summary>
    public const int EarlyVisitDays = 14;

    /// <summary>
    /// The bookings still standing after a session is posted: it fulfils those of its treatment dated up to
    /// <see cref="EarlyVisitDays"/> after its injection date (the visit booked, or an earlier one, has happened). A
    /// booking made at checkout for the next visit, months ahead, stands; a back-filled older session fulfils none.
    /// </summary>
    public static IReadOnlyList<Booking> Unfulfilled(IReadOnlyList<Booking> bookings, DateOnly injectionDate, string? treatmentId) =>
        bookings.Where(b => b.Date > injectionDate.AddDays(EarlyVisitDays) || !Plan.ReminderPolicy.SameTreatment(b.TreatmentId, treatmentId)).ToList();
}
