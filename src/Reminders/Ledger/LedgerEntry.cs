using Azure;
using Azure.Data.Tables;

namespace Reminders.Ledger;

/// <summary>
/// One reminder's dealings with email providers: PartitionKey the reminder id, RowKey "send". Created by the first
/// attempt to send it, before any provider call, and from then on written only by the sender path. It holds ids,
/// times, counts and provider codes, never an address or a name (the one provider text, a delivery report's reason, is
/// stored with anything like an address taken out), so erasure keeps it as the proof that stops a re-send. Delivery
/// reports (Event Grid) write the Delivery* fields, ETag-conditionally like every other write.
/// </summary>
public sealed class LedgerEntry : ITableEntity
{
    public const string Row = "send";

    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = Row;
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    /// <summary>Where the last attempt went: Outbox, Smtp or Acs.</summary>
    public string Provider { get; set; } = "";
    /// <summary>Attempts that handed, or may have handed, the email to a provider.</summary>
    public int Attempts { get; set; }
    /// <summary>Attempts whose outcome nobody knows (a timeout after the message was sent, a crash mid-send).</summary>
    public int UnclearAttempts { get; set; }
    public DateTimeOffset FirstAttemptAt { get; set; }
    public DateTimeOffset LastAttemptAt { get; set; }
    /// <summary>The sweep holding the reminder while it sends, until <see cref="ClaimedUntil"/>.</summary>
    public string? ClaimedBy { get; set; }
    public DateTimeOffset? ClaimedUntil { get; set; }

    /// <summary>See <see cref="LedgerOutcome"/>.</summary>
    public string Outcome { get; set; } = LedgerOutcome.InFlight;
    public DateTimeOffset? OutcomeAt { get; set; }
    /// <summary>The provider's id for an accepted message (ACS operation id, or the Message-ID).</summary>
    public string? ProviderMessageId { get; set; }
    /// <summary>The provider's error code, or the reason the ledger gave up (a code, never provider text).</summary>
    public string? ErrorCode { get; set; }

    /// <summary>The clinic the reminder belongs to (not personal data): where a bounce reported for it is recorded.</summary>
    public string? ClinicId { get; set; }

    /// <summary>
    /// The provider's last word on delivery (ACS delivery reports): Delivered, Expanded, Bounced, Suppressed,
    /// Quarantined, FilteredSpam or Failed. The latest by the report's own time wins.
    /// </summary>
    public string? Delivery { get; set; }
    /// <summary>The time the provider gave the delivery report (its event time).</summary>
    public DateTimeOffset? DeliveryAt { get; set; }
    /// <summary>The provider's status message, with anything like an email address taken out. Never logged.</summary>
    public string? DeliveryReason { get; set; }

    public Guid ReminderId => Guid.Parse(PartitionKey);

    public bool IsFinal => Outcome is LedgerOutcome.Accepted or LedgerOutcome.Rejected or LedgerOutcome.Failed;
}

/// <summary>Where a reminder stands with the providers.</summary>
public static class LedgerOutcome
{
    /// <summary>Claimed and being sent; if the claim has expired, the sender died before it learned the answer.</summary>
    public const string InFlight = "InFlight";
    /// <summary>A provider took the message. Final: it is never handed to a provider again.</summary>
    public const string Accepted = "Accepted";
    /// <summary>A provider refused this message for good. Final.</summary>
    public const string Rejected = "Rejected";
    /// <summary>Given up: the attempt cap, or an outcome that can never be known. Final, never re-sent automatically.</summary>
    public const string Failed = "Failed";
    /// <summary>The last attempt may or may not have reached the provider. The next attempt asks the provider first, where it can.</summary>
    public const string Unknown = "Unknown";
    /// <summary>The last attempt certainly handed nothing over (throttled, provider down before the message left).</summary>
    public const string NotSent = "NotSent";
}

/// <summary>Reasons the ledger records when it gives up.</summary>
public static class LedgerReason
{
    /// <summary>The outcome of an attempt could not be known, and the provider cannot be asked: it is never sent again automatically.</summary>
    public const string DeliveryUnknown = "DeliveryUnknown";
    /// <summary>The attempt cap was reached.</summary>
    public const string AttemptsExhausted = "AttemptsExhausted";
}
