using Azure;
using Azure.Data.Tables;

namespace Reminders.Webhooks;

/// <summary>
/// One event for a clinic's receiver and how its delivery went: PartitionKey the clinic id, RowKey the event id (so
/// newest first). Holds the exact body sent (ids, status, reason, time: no address), for retries and replays.
/// </summary>
public sealed class WebhookDeliveryEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string EventType { get; set; } = "";
    public string Body { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    /// <summary>Whom the event is about (the clinic's own id for the patient): erasure deletes the patient's deliveries.</summary>
    public string? PatientId { get; set; }

    /// <summary>See <see cref="WebhookDeliveryState"/>.</summary>
    public string State { get; set; } = WebhookDeliveryState.Pending;
    /// <summary>Attempts made in the current round (a replay starts a new round).</summary>
    public int Attempts { get; set; }
    /// <summary>Goes up with each replay; a queue message of an older round is dropped.</summary>
    public int Round { get; set; }
    /// <summary>When the current round began: its retries end <c>RetryWindow</c> later.</summary>
    public DateTimeOffset RoundStartedAt { get; set; }
    public DateTimeOffset? LastAttemptAt { get; set; }
    public int? LastStatusCode { get; set; }
    /// <summary>Why the last attempt failed, as a code: Timeout, Refused, Unreachable, BlockedAddress, Http.</summary>
    public string? LastError { get; set; }
    public DateTimeOffset? NextAttemptAt { get; set; }
    /// <summary>A sender is making the current attempt until then; another message for the same attempt waits.</summary>
    public DateTimeOffset? ClaimedUntil { get; set; }
    public DateTimeOffset? DeliveredAt { get; set; }

    public string EventId => RowKey;
}

/// <summary>Where a delivery stands.</summary>
public static class WebhookDeliveryState
{
    /// <summary>On the queue for its first attempt.</summary>
    public const string Pending = "Pending";
    /// <summary>An attempt failed; another is on the queue for <c>NextAttemptAt</c>.</summary>
    public const string Retrying = "Retrying";
    /// <summary>The receiver answered 2xx.</summary>
    public const string Delivered = "Delivered";
    /// <summary>Every attempt within the retry window failed; the receiver was disabled. A replay tries again.</summary>
    public const string Failed = "Failed";
    /// <summary>Not sent: the clinic's receiver was removed or disabled meanwhile. A replay tries again.</summary>
    public const string NotSent = "NotSent";
}
