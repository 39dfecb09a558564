using Azure;
using Azure.Data.Tables;

namespace Reminders.Clinics;

/// <summary>Looks a clinic up by its key: PartitionKey the key's hash, RowKey "clinic".</summary>
public sealed class ApiKeyEntity : ITableEntity
{
    public const string Row = "clinic";

    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = Row;
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string ClinicId { get; set; } = "";
}
