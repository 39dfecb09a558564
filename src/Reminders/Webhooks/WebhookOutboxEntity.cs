using Azure;
using Azure.Data.Tables;
using Reminders.Patients;

namespace Reminders.Webhooks;

/// <summary>
/// An event not yet handed to the webhook queue: PartitionKey the clinic id, RowKey <see cref="Prefix"/> + event id,
/// in the patients table, written in the same entity-group transaction as the status change it tells of. So a crash
/// after that write cannot lose the event: the relay removes the row once the event is queued, and the daily
/// reconcile relays any row left behind.
/// </summary>
public sealed class WebhookOutboxEntity : ITableEntity
{
    public const string Prefix = "~webhook|";

    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string EventType { get; set; } = "";
    public DateTimeOffset At { get; set; }
    public string Body { get; set; } = "";
    /// <summary>Whom the event is about: erasure drops the patient's events not yet sent.</summary>
    public string? PatientId { get; set; }

    public string EventId => RowKey[Prefix.Length..];

    public static WebhookOutboxEntity For(WebhookEvent e) => new()
    {
        PartitionKey = e.ClinicId, RowKey = Prefix + e.Id, EventType = e.Type, At = e.At, Body = e.ToPayload(), PatientId = e.Data.PatientId,
    };

    /// <summary>The event a session's new decision tells of, or null when there is nothing to tell (Pending).</summary>
    public static WebhookOutboxEntity? ForDecision(SessionEntity session)
    {
        if (WebhookEventTypes.ForStatus(session.Status) is not { } type) return null;
        return For(WebhookEvent.Reminder(type, session.PartitionKey, session.ReminderId, session.PatientId, session.SessionId,
            session.Status, session.Reason, session.DecidedAt ?? DateTimeOffset.UtcNow));
    }

    /// <summary>reminder.sent for an earlier reminder of the session, sent while the session moved on.</summary>
    public static WebhookOutboxEntity ForSent(SessionEntity session, Guid reminderId, DateTimeOffset at) =>
        For(WebhookEvent.Reminder(WebhookEventTypes.ReminderSent, session.PartitionKey, reminderId, session.PatientId, session.SessionId,
            Plan.ReminderStatus.Sent, null, at));

    public PendingWebhook ToPending() => new(PartitionKey, EventId, EventType, At, Body, PatientId);
}

/// <summary>An event ready for the queue.</summary>
public sealed record PendingWebhook(string ClinicId, string EventId, string EventType, DateTimeOffset At, string Body, string? PatientId)
{
    public static PendingWebhook From(WebhookEvent e) => new(e.ClinicId, e.Id, e.Type, e.At, e.ToPayload(), e.Data.PatientId);
}
