namespace Reminders.Clinics;

/// <summary>A clinic's settings, validated. Defaults apply where the clinic did not set a value.</summary>
public sealed record Clinic(
    string Id,
    string Name,
    TimeZoneInfo TimeZone,
    Uri BookingUrl,
    string? ReplyTo,
    int ReliefDays,
    int RemindDaysBefore,
    SendWindow SendWindow,
    bool Paused)
{
    public ClinicBranding Branding { get; init; } = ClinicBranding.Default;

    /// <summary>At most one reminder email per patient per this many days, across sessions and treatments (0: no cap).</summary>
    public int FrequencyCapDays { get; init; } = DefaultFrequencyCapDays;

    public const int DefaultFrequencyCapDays = 7;

    /// <summary>The treatment a session names when it names none (null: none; such sessions follow the clinic's settings).</summary>
    public string? DefaultTreatmentId { get; init; }

    /// <summary>Closed weekdays and dates: reminders due on one are sent on the previous open day.</summary>
    public ClosedDays ClosedDays { get; init; } = ClosedDays.None;

    /// <summary>
    /// Goes up each time reliefDays or remindDaysBefore change. A pending reminder planned under an older version is
    /// re-planned (by the settings change itself, or before any sweep sends it); a sent one is never touched.
    /// </summary>
    public int PlanVersion { get; init; }

    public const int DefaultReliefDays = 90;
    public const int DefaultRemindDaysBefore = 14;

    public DateTimeOffset LocalNow(TimeProvider time) => TimeZoneInfo.ConvertTime(time.GetUtcNow(), TimeZone);

    /// <summary>"Today" for this clinic: its local date, which is what patients and staff mean by a date.</summary>
    public DateOnly Today(TimeProvider time) => DateOnly.FromDateTime(LocalNow(time).DateTime);

    /// <summary>The instant this clinic's local <paramref name="day"/> begins.</summary>
    public DateTimeOffset StartOf(DateOnly day) => SendWindow.Instant(day, 0, TimeZone);

    public bool IsInSendWindow(TimeProvider time) => SendWindow.IsOpen(time.GetUtcNow(), TimeZone);

    /// <summary>When the window open now closes; null when it is closed.</summary>
    public DateTimeOffset? SendWindowClosesAt(TimeProvider time) => SendWindow.OpenInterval(time.GetUtcNow(), TimeZone)?.End;
}
