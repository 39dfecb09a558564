using Azure;
using Azure.Data.Tables;

namespace Reminders.Plan;

/// <summary>
/// The due index: one row per pending reminder. PartitionKey "yyyy-MM-dd-ss" (reminder date and shard), so one day's
/// reminders spread over several partitions and a sweep reads a partition range up to today: its cost follows what
/// is due, not how many patients are stored. RowKey: clinic|patient|session.
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
    /// <summary>Set when a scheduled sweep put the row on the dispatch queue: it is not queued again until then.</summary>
    public DateTimeOffset? PlannedUntil { get; set; }

    /// <summary>The reminder date, the first ten characters of the partition key.</summary>
    [System.Runtime.Serialization.IgnoreDataMember]
    public string ReminderDate => PartitionKey[..10];

    public static string RowFor(string clinicId, string patientId, string sessionId) => $"{clinicId}|{patientId}|{sessionId}";
}
