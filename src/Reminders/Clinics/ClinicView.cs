namespace Reminders.Clinics;

/// <summary>
/// A clinic as the API shows it; <see cref="ApiKey"/> only in the response that created the clinic, <see cref="Replanned"/>
/// only in the response to a change of reliefDays or remindDaysBefore (pending reminders moved, and left for the sweep).
/// <see cref="Keys"/> (ids and prefixes, never secrets) and <see cref="KeysHint"/> in the answer to a PUT, so re-running
/// a setup script shows which keys still work and how to get another.
/// </summary>
public sealed record ClinicView(
    string ClinicId,
    string Name,
    string TimeZone,
    string BookingUrl,
    string? ReplyTo,
    int ReliefDays,
    int RemindDaysBefore,
    string SendWindowStart,
    string SendWindowEnd,
    bool Paused,
    string Locale,
    string? LogoUrl,
    string AccentColor,
    string? PostalAddress,
    string? Phone,
    string? ApiKey = null,
    Plan.ReminderReplanner.Summary? Replanned = null,
    IReadOnlyList<ClinicKeys.KeyView>? Keys = null,
    string? KeysHint = null)
{
    /// <summary>At most one reminder email per patient per this many days (0: no cap).</summary>
    public int FrequencyCapDays { get; init; }

    /// <summary>The treatment sessions that name none get (null: none).</summary>
    public string? DefaultTreatmentId { get; init; }

    /// <summary>Weekdays the clinic is closed (Monday … Sunday); null when none.</summary>
    public IReadOnlyList<string>? ClosedWeekdays { get; init; }

    /// <summary>Dates the clinic is closed (yyyy-MM-dd); null when none.</summary>
    public IReadOnlyList<string>? ClosedDates { get; init; }

    public static ClinicView Of(Clinic c, string? apiKey = null, Plan.ReminderReplanner.Summary? replanned = null,
        IReadOnlyList<ClinicKeys.KeyView>? keys = null, string? keysHint = null) => new(
        c.Id, c.Name, c.TimeZone.Id, c.BookingUrl.AbsoluteUri, c.ReplyTo, c.ReliefDays, c.RemindDaysBefore,
        c.SendWindow.Start, c.SendWindow.End, c.Paused,
        c.Branding.Locale, c.Branding.LogoUrl?.AbsoluteUri, c.Branding.AccentColor, c.Branding.PostalAddress, c.Branding.Phone, apiKey, replanned,
        keys, keysHint)
    {
        FrequencyCapDays = c.FrequencyCapDays,
        DefaultTreatmentId = c.DefaultTreatmentId,
        // Null rather than empty: views of one clinic compare equal (a list compares by reference).
        ClosedWeekdays = c.ClosedDays.Weekdays.Count == 0 ? null : c.ClosedDays.Weekdays.Order().Select(d => d.ToString()).ToList(),
        ClosedDates = c.ClosedDays.Dates.Count == 0 ? null : c.ClosedDays.Dates.Order().Select(d => d.ToString("yyyy-MM-dd")).ToList(),
    };
}
