using System.Diagnostics;

namespace Reminders.Telemetry;

/// <summary>
/// The names this service's own traces and metrics go by, and the tag keys they use. Tags carry ids of reminders and
/// clinics and codes (outcome, reason, provider), never an address, a name, a patient id or a session id.
/// </summary>
public static class RemindersTelemetry
{
    /// <summary>Both the <see cref="ActivitySource"/> and the <see cref="System.Diagnostics.Metrics.Meter"/> are called this.</summary>
    public const string Name = "Reminders";

    /// <summary>
    /// Static, as .NET recommends for an ActivitySource: with no listener (no exporter configured) StartActivity
    /// returns null and costs a null check.
    /// </summary>
    public static readonly ActivitySource Source = new(Name, typeof(RemindersTelemetry).Assembly.GetName().Version?.ToString());

    public static class Tags
    {
        /// <summary>
        /// A name-based UUID of clinic, patient, session and date (<see cref="Plan.ReminderIdentity"/>): the patient id is
        /// hashed in, not readable and not reversible. It already travels in Message-ID headers and log lines.
        /// </summary>
        public const string ReminderId = "reminders.reminder_id";
        public const string ClinicId = "reminders.clinic_id";
        public const string RunId = "reminders.run_id";
        public const string Outcome = "reminders.outcome";
        public const string Reason = "reminders.reason";
        public const string Provider = "reminders.email.provider";
        public const string Result = "reminders.email.result";
        public const string SweepKind = "reminders.sweep.kind";
        public const string QuotaResource = "reminders.quota.resource";
        public const string QuotaWindow = "reminders.quota.window";
        public const string Queue = "messaging.destination.name";
    }

    /// <summary>
    /// A reason or error code as a tag value: letters, digits, '.', '_' and '-' only, at most 64 characters. Codes
    /// come from providers too; a code that is not code-like (a sentence, a quoted address) becomes "Other", which
    /// also keeps the metric's cardinality bounded.
    /// </summary>
    public static string Code(string? code)
    {
        if (string.IsNullOrEmpty(code)) return "None";
        if (code.Length > 64) return "Other";
        foreach (var c in code)
            if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
                return "Other";
        return code;
    }
}
