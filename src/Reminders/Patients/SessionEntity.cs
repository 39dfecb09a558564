using System.Runtime.Serialization;
using Azure;
using Azure.Data.Tables;
using Reminders.Plan;

namespace Reminders.Patients;

/// <summary>
/// A session and its reminder, in the patient's clinic partition: RowKey "{patientId}|{sessionId}".
/// The reminder's state lives here, the single source of truth; the due index only points at it.
/// </summary>
public sealed class SessionEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string PatientId { get; set; } = "";
    public string SessionId { get; set; } = "";
    public string InjectionDate { get; set; } = "";
    public int ReliefDays { get; set; }
    public string ReliefEndsOn { get; set; } = "";
    public string ReminderDate { get; set; } = "";
    public bool Cancelled { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    public Guid ReminderId { get; set; }
    public string Status { get; set; } = ReminderStatus.Pending;
    /// <summary>Short code: the skip reason, or the error code of a failure.</summary>
    public string? Reason { get; set; }
    /// <summary>One sentence a person can read: why it was sent, skipped, expired or failed.</summary>
    public string? Detail { get; set; }
    public DateTimeOffset? DecidedAt { get; set; }
    public DateTimeOffset? SentAt { get; set; }
    public string? MessageId { get; set; }
    /// <summary>The provider's final word on a sent message, where it gives one later (ACS: Succeeded).</summary>
    public string? ProviderStatus { get; set; }
    public int Attempts { get; set; }
    /// <summary>Every reminder id of this session the provider accepted, ';'-separated: a reminder is never sent twice.</summary>
    public string? SentReminderIds { get; set; }

    /// <summary>Set by a sweep while it sends; another sweep leaves the reminder alone until the lease ends.</summary>
    public string? ClaimedBy { get; set; }
    public DateTimeOffset? ClaimedUntil { get; set; }

    [IgnoreDataMember]
    public DateOnly InjectionDay => DateOnly.ParseExact(InjectionDate, "yyyy-MM-dd");
    [IgnoreDataMember]
    public ReminderSchedule Schedule => new(DateOnly.ParseExact(ReliefEndsOn, "yyyy-MM-dd"), DateOnly.ParseExact(ReminderDate, "yyyy-MM-dd"));

    public static string RowFor(string patientId, string sessionId) => $"{patientId}|{sessionId}";

    public bool WasSent(Guid reminderId) => SentReminderIds?.Contains(reminderId.ToString(), StringComparison.Ordinal) == true;

    public void RecordSent(DateTimeOffset at, string messageId, string detail)
    {
        Decide(ReminderStatus.Sent, null, detail, at);
        SentAt = at;
        MessageId = messageId;
        if (!WasSent(ReminderId)) SentReminderIds = SentReminderIds is null ? ReminderId.ToString() : $"{SentReminderIds};{ReminderId}";
    }

    public void Decide(string status, string? reason, string? detail, DateTimeOffset at)
    {
        Status = status;
        Reason = reason;
        Detail = detail;
        DecidedAt = at;
        ClaimedBy = null;
        ClaimedUntil = null;
    }
}
