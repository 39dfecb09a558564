using Azure;
using Azure.Data.Tables;

namespace Reminders.Plan;

/// <summary>
/// The due index: one row per pending reminder. PartitionKey is the reminder date (yyyy-MM-dd), so a sweep reads
/// a partition range up to today and its cost follows what is due, not how many patients are stored. A later shard
/// suffix ("yyyy-MM-dd-07") still sorts inside the same range. RowKey: clinic|patient|session.
/// </summary>
public sealed class DueEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string ClinicId { get; set; } = "";
    public string PatientId { get; set; } = "";
    public string SessionId { get; set; } = "";
    public Guid ReminderId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }

    public static string PartitionFor(DateOnly reminderDate) => reminderDate.ToString("yyyy-MM-dd");
    public static string RowFor(string clinicId, string patientId, string sessionId) => $"{clinicId}|{patientId}|{sessionId}";
}
