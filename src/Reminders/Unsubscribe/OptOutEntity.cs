using Azure;
using Azure.Data.Tables;

namespace Reminders.Unsubscribe;

/// <summary>
/// A patient's choice about one clinic's reminders: PartitionKey the clinic, RowKey the keyed address hash
/// ("v2-…"; a bare hex hash is an unkeyed row from before). It holds no address, so it survives erasure.
/// </summary>
public sealed class OptOutEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public bool OptedOut { get; set; }
    public DateTimeOffset ChangedAt { get; set; }
    /// <summary>The patient id from the link used, for the clinic's audit; blanked when that patient is erased.</summary>
    public string PatientId { get; set; } = "";
}
