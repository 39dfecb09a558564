using Azure;
using Azure.Data.Tables;

namespace Reminders.Webhooks;

/// <summary>
/// A clinic's receiver: PartitionKey the clinic id, RowKey <see cref="Row"/>, in the Webhooks table beside the
/// clinic's deliveries. The signing secrets are stored sealed (AES-GCM under a key derived from
/// <c>Reminders:LinkSigningKey</c>), never in the clear, and are shown to the clinic only when made.
/// </summary>
public sealed class WebhookSubscriptionEntity : ITableEntity
{
    public const string Row = "~subscription";

    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = Row;
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string Url { get; set; } = "";
    public string SealedSecret { get; set; } = "";
    public DateTimeOffset SecretCreatedAt { get; set; }
    /// <summary>The secret before the last rotation: it signs too, until <see cref="PreviousSecretUntil"/>.</summary>
    public string? SealedPreviousSecret { get; set; }
    public DateTimeOffset? PreviousSecretUntil { get; set; }
    /// <summary>Set when an event could not be delivered within the retry window; setting the URL again clears it.</summary>
    public DateTimeOffset? DisabledAt { get; set; }
    public string? DisabledReason { get; set; }
    /// <summary>The event whose retries ran out.</summary>
    public string? DisabledByEvent { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    public bool IsEnabled => DisabledAt is null;
}
