using Azure;
using Azure.Data.Tables;

namespace Reminders.Quota;

/// <summary>
/// One provider resource's recent sends, shared by every instance: PartitionKey the resource, RowKey "window".
/// <see cref="Seconds"/> and <see cref="Minutes"/> hold "epoch:count" pairs of the last minute (per second) and the
/// last hour (per minute). Changed only with ETag-conditional writes.
/// </summary>
public sealed class QuotaEntity : ITableEntity
{
    public const string Row = "window";

    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = Row;
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string Seconds { get; set; } = "";
    public string Minutes { get; set; } = "";
}
