using System.Runtime.Serialization;
using Azure;
using Azure.Data.Tables;
using Reminders.Plan;

namespace Reminders.Patients;

/// <summary>
/// A session and its reminder, in the patient's clinic partition: RowKey "{patientId}|{sessionId}". The reminder's
/// plan and recorded outcome live here; whether an email was handed to a provider is proved by the send ledger,
/// which nothing on this row can overwrite.
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
    /// <summary>The relief period in force for this session, snapshotted when it was registered or re-planned.</summary>
    public int ReliefDays { get; set; }
    /// <summary>The clinic system sent <see cref="ReliefDays"/> itself; a clinic settings change then leaves it alone.</summary>
    public bool ReliefDaysExplicit { get; set; }
    /// <summary>The lead time the reminder was planned with (null on rows from before closed days: derived from the dates).</summary>
    public int? RemindDaysBefore { get; set; }
    /// <summary>The reminder date before closed days moved it (null: not moved), and why.</summary>
    public string? ShiftedFrom { get; set; }
    public string? ShiftReason { get; set; }
    /// <summary>The clinic's treatment this session was (null: none named; such sessions form one group).</summary>
    public string? TreatmentId { get; set; }
    /// <summary>Where <see cref="ReliefDays"/> came from: session, patientHistory, treatment or clinic (null: before estimates, as clinic).</summary>
    public string? ReliefSource { get; set; }
    /// <summary>Why, in words: e.g. "median of 3 intervals (91, 98, 105 days)".</summary>
    public string? ReliefBasis { get; set; }
    /// <summary>The reminder sequence, days relative to relief end ("-14,7"; <see cref="ReminderSteps"/>); null: one step, the clinic's lead time.</summary>
    public string? ReminderSteps { get; set; }
    /// <summary>Which step of <see cref="ReminderSteps"/> the current reminder is (0-based).</summary>
    public int Step { get; set; }
    /// <summary>The earlier steps' outcomes (JSON <see cref="Plan.StepOutcome"/> list), oldest first; null before the second step.</summary>
    public string? StepHistory { get; set; }
    /// <summary>The patient's check-in answers from reminder emails (JSON <see cref="CheckIn.CheckInAnswer"/> list), oldest first.</summary>
    public string? CheckIns { get; set; }
    /// <summary>The day the patient answered "not yet" and chose the current reminder's date (null: planned by the rules); a re-plan keeps that date.</summary>
    public string? SnoozedOn { get; set; }
    /// <summary>The clinic's <see cref="Clinics.Clinic.PlanVersion"/> this reminder was planned under.</summary>
    public int PlanVersion { get; set; }
    public string ReliefEndsOn { get; set; } = "";
    public string ReminderDate { get; set; } = "";
    public bool Cancelled { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    public Guid ReminderId { get; set; }
    /// <summary>
    /// The reminder a clinic settings change replaced with this one. If that one turns out to have been sent after all
    /// (its send was in flight during the change), this one is skipped: one email per session, not one per plan.
    /// </summary>
    public Guid? ReplannedFrom { get; set; }
    /// <summary>How many times a failed reminder of this session was sent again to a new address (part of its identity).</summary>
    public int ReminderGeneration { get; set; }
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
    /// <summary>Every reminder id of this session a provider accepted, ';'-separated (the ledger is the proof; this is the session's memory of it).</summary>
    public string? SentReminderIds { get; set; }

    /// <summary>The due-index row of the pending reminder: its partition and the ETag it was written with (deleted only with that ETag).</summary>
    public string? DuePartition { get; set; }
    public string? DueETag { get; set; }
    /// <summary>A <see cref="PendingMarker"/> row exists for this session (rows written before markers existed have none).</summary>
    public bool HasPendingMarker { get; set; }

    [IgnoreDataMember]
    public DateOnly InjectionDay => DateOnly.ParseExact(InjectionDate, "yyyy-MM-dd");
    [IgnoreDataMember]
    public ReminderSchedule Schedule => new(DateOnly.ParseExact(ReliefEndsOn, "yyyy-MM-dd"), DateOnly.ParseExact(ReminderDate, "yyyy-MM-dd"));
    [IgnoreDataMember]
    public bool IsPending => Status == ReminderStatus.Pending;

    public static string RowFor(string patientId, string sessionId) => $"{patientId}|{sessionId}";

    public bool WasSent(Guid reminderId) => SentReminderIds?.Contains(reminderId.ToString(), StringComparison.Ordinal) == true;

    public void RememberSent(Guid reminderId)
    {
        if (!WasSent(reminderId)) SentReminderIds = SentReminderIds is null ? reminderId.ToString() : $"{SentReminderIds};{reminderId}";
    }

    public void RecordSent(DateTimeOffset at, string messageId, string detail)
    {
        Decide(ReminderStatus.Sent, null, detail, at);
        SentAt = at;
        MessageId = messageId;
        RememberSent(ReminderId);
    }

    /// <summary>The reminder the current decision is about (the session's reminder changes when it is re-dated).</summary>
    public string? DecisionReminderId { get; set; }

    /// <summary>
    /// True once <see cref="Decide"/> changed the status, the reason or the reminder decided on, until a write that
    /// announces it commits (a webhook event).
    /// </summary>
    [IgnoreDataMember]
    public bool DecisionChanged { get; set; }

    public void Decide(string status, string? reason, string? detail, DateTimeOffset at)
    {
        var reminder = ReminderId.ToString();
        if (status != Status || reason != Reason || reminder != DecisionReminderId) DecisionChanged = true;
        DecisionReminderId = reminder;
        Status = status;
        Reason = reason;
        Detail = detail;
        DecidedAt = at;
    }
}
