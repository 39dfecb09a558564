using Azure;
using Azure.Data.Tables;

namespace Reminders.Patients;

/// <summary>
/// A patient row: PartitionKey the clinic id, RowKey "{patientId}|" (their sessions follow as "{patientId}|{sessionId}").
/// Every change to the patient's sessions rewrites this row in the same transaction, so its ETag versions the whole
/// aggregate: a registration and an erasure of the same patient cannot both succeed from the same read.
/// </summary>
public sealed class PatientEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string PatientId { get; set; } = "";
    public string Email { get; set; } = "";
    public string? FirstName { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    /// <summary>Every session's id, injection date and cancellation (<see cref="SessionSummary"/>); null on rows from before it.</summary>
    public byte[]? Sessions { get; set; }

    /// <summary>When a reminder email last went to the patient (any session, any treatment): the frequency cap counts from it.</summary>
    public DateTimeOffset? LastReminderSentAt { get; set; }

    /// <summary>The patient's booked appointments (<see cref="Bookings.Booking"/>, JSON); null when none.</summary>
    public string? Bookings { get; set; }

    public static string RowFor(string patientId) => patientId + "|";

    /// <summary>Brings the summary in line with one session's current date and cancellation (or its removal, with null).</summary>
    public void Track(IReadOnlyList<SessionSummary> current, string sessionId, SessionEntity? session)
    {
        var others = current.Where(s => s.SessionId != sessionId);
        Sessions = SessionSummary.Write(session is null ? others : others.Append(SessionSummary.Of(session)));
    }
}
