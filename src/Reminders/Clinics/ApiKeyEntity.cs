using Azure;
using Azure.Data.Tables;

namespace Reminders.Clinics;

/// <summary>
/// A key issued before key ids (<c>rk_{secret}</c>): PartitionKey the key's hash, RowKey "clinic". It works while the
/// clinic row's <see cref="ClinicEntity.ApiKeyHash"/> names it; listings show it as the key "legacy".
/// </summary>
public sealed class ApiKeyEntity : ITableEntity
{
    public const string Row = "clinic";

    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = Row;
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string ClinicId { get; set; } = "";
}
