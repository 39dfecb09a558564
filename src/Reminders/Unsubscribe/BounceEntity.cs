using Azure;
using Azure.Data.Tables;

namespace Reminders.Unsubscribe;

/// <summary>
/// A hard bounce or a provider-suppressed address, in the OptOuts table beside the opt-outs: PartitionKey the clinic,
/// RowKey <see cref="Prefix"/> and the keyed address hash. No address and no patient id, so it survives erasure.
/// </summary>
public sealed class BounceEntity : ITableEntity
{
    public const string Prefix = "bounce-";

    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    /// <summary>Bounced or Suppressed (the provider's delivery status).</summary>
    public string Reason { get; set; } = "";
    /// <summary>The delivery report's own time.</summary>
    public DateTimeOffset BouncedAt { get; set; }
    public DateTimeOffset ChangedAt { get; set; }
}
