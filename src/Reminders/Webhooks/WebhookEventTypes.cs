namespace Reminders.Webhooks;

/// <summary>The events a clinic's receiver gets, as the <c>type</c> of each payload.</summary>
public static class WebhookEventTypes
{
    public const string ReminderSent = "reminder.sent";
    public const string ReminderSkipped = "reminder.skipped";
    public const string ReminderExpired = "reminder.expired";
    public const string ReminderFailed = "reminder.failed";
    public const string ReminderDelivered = "reminder.delivered";
    public const string ReminderBounced = "reminder.bounced";
    public const string PatientOptedOut = "patient.optedOut";
    public const string PatientOptedIn = "patient.optedIn";

    /// <summary>The event for a reminder's new status, or null for Pending (nothing to tell).</summary>
    public static string? ForStatus(string status) => status switch
    {
        Plan.ReminderStatus.Sent => ReminderSent,
        Plan.ReminderStatus.Skipped => ReminderSkipped,
        Plan.ReminderStatus.Expired => ReminderExpired,
        Plan.ReminderStatus.Failed => ReminderFailed,
        _ => null,
    };
}
