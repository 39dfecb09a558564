using Azure;
using Azure.Data.Tables;

namespace Reminders.Unsubscribe;

/// <summary>A patient's choice about one clinic's reminders: PartitionKey the clinic, RowKey the address hash. Kept after erasure: it holds no address.</summary>
public sealed class OptOutEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public bool OptedOut { get; set; }
    public DateTimeOffset ChangedAt { get; set; }
    /// <summary>The patient id from the link used, for the clinic's audit.</summary>
    public string PatientId { get; set; } = "";
}
