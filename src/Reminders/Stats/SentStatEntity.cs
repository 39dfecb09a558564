using System.Globalization;
using Azure;
using Azure.Data.Tables;

namespace Reminders.Stats;

/// <summary>
/// One sent reminder, for the rebooking statistics: PartitionKey the clinic id, RowKey <see cref="Prefix"/> + the UTC
/// send time + reminder id, in the patients table, written in the transaction that records the send (no extra
/// request). Reading a date range is one range query. It names the patient (to find their later sessions); erasure
/// removes it, and the statistics never show it.
/// </summary>
public sealed class SentStatEntity : ITableEntity
{
    public const string Prefix = "~stat|";

    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string PatientId { get; set; } = "";
    public string SessionId { get; set; } = "";
    public string? TreatmentId { get; set; }
    /// <summary>The sequence step it was (1-based).</summary>
    public int Step { get; set; }
    /// <summary>The injection date of its session (yyyy-MM-dd): a rebooking is a later session.</summary>
    public string InjectionDate { get; set; } = "";
    public DateTimeOffset SentAt { get; set; }
    /// <summary>The clinic's local date, weekday and hour when it was sent.</summary>
    public string LocalDate { get; set; } = "";
    public string LocalWeekday { get; set; } = "";
    public int LocalHour { get; set; }

    public static string RowFor(DateTimeOffset sentAt, Guid reminderId) =>
        Prefix + sentAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture) + "|" + reminderId;

    public static SentStatEntity For(Patients.SessionEntity session, Guid reminderId, DateTimeOffset sentAt, TimeZoneInfo clinicZone)
    {
        var local = TimeZoneInfo.ConvertTime(sentAt, clinicZone);
        return new SentStatEntity
        {
            PartitionKey = session.PartitionKey, RowKey = RowFor(sentAt, reminderId), PatientId = session.PatientId, SessionId = session.SessionId,
            TreatmentId = session.TreatmentId, Step = session.Step + 1, InjectionDate = session.InjectionDate, SentAt = sentAt,
            LocalDate = local.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), LocalWeekday = local.DayOfWeek.ToString(), LocalHour = local.Hour,
        };
    }
}
