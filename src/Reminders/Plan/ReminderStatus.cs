namespace Reminders.Plan;

/// <summary>
/// Where a reminder stands. Pending is the only state that changes; the rest are final and say why.
/// A sweep's claim is not a status: a claimed reminder is still Pending until its outcome is recorded.
/// </summary>
public static class ReminderStatus
{
    public const string Pending = "Pending";
    public const string Sent = "Sent";
    public const string Skipped = "Skipped";
    public const string Expired = "Expired";
    public const string Failed = "Failed";
}

/// <summary>Why a reminder was skipped.</summary>
public static class SkipReason
{
    /// <summary>The patient has a session with a later injection date: they already rebooked.</summary>
    public const string Superseded = "Superseded";
    /// <summary>The clinic cancelled the session (entered in error).</summary>
    public const string Cancelled = "Cancelled";
    /// <summary>The patient unsubscribed from this clinic's reminders.</summary>
    public const string OptedOut = "OptedOut";
    /// <summary>Email to the patient's address bounced hard or is suppressed by the provider (for this clinic, until it lifts it or the address changes).</summary>
    public const string Bounced = "Bounced";
    /// <summary>The same reminder (same session and dates) was sent before; it is never sent twice.</summary>
    public const string AlreadySent = "AlreadySent";
    /// <summary>The patient had an appointment booked while relief lasted: the reminder was held for it until relief ended.</summary>
    public const string AlreadyBooked = "AlreadyBooked";
    /// <summary>Held by the clinic's frequency cap until it would have been too late.</summary>
    public const string FrequencyCap = "FrequencyCap";
    /// <summary>The patient answered "I no longer need this" from a reminder email (until the clinic posts a new session).</summary>
    public const string PatientDeclined = "PatientDeclined";
}
