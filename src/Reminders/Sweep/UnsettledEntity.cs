using Azure;
using Azure.Data.Tables;

namespace Reminders.Sweep;

/// <summary>A sent reminder whose provider has not given its final status yet. PartitionKey "unsettled", RowKey the reminder id.</summary>
public sealed class UnsettledEntity : ITableEntity
{
    public const string Partition = "unsettled";

    public string PartitionKey { get; set; } = Partition;
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string ClinicId { get; set; } = "";
    public string PatientId { get; set; } = "";
    public string SessionId { get; set; } = "";
    public string ProviderMessageId { get; set; } = "";
    public DateTimeOffset AcceptedAt { get; set; }
}
