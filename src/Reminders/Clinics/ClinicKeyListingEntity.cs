using Azure;
using Azure.Data.Tables;

namespace Reminders.Clinics;

/// <summary>
/// A clinic's keys, listable with one partition query: PartitionKey "keys:" + the clinic id, RowKey the key id. No
/// hash: it only says which keys exist. Written before, and deleted after, the key's <see cref="ClinicKeyEntity"/>, so
/// every key that works is listed (and can be revoked).
/// </summary>
public sealed class ClinicKeyListingEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
    /// <summary><see cref="ApiKey.StaffScope"/>, or null for an integration key.</summary>
    public string? Scope { get; set; }

    public static string PartitionOf(string clinicId) => "keys:" + clinicId;
}
