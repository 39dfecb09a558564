using Azure;
using Azure.Data.Tables;

namespace Reminders.Clinics;

/// <summary>
/// What makes a key work: PartitionKey the key id, RowKey "key", so the id in a presented key finds it with one point
/// read. Deleting it revokes the key.
/// </summary>
public sealed class ClinicKeyEntity : ITableEntity
{
    public const string Row = "key";

    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = Row;
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string ClinicId { get; set; } = "";
    /// <summary>Hex SHA-256 of the whole key.</summary>
    public string Hash { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
}
