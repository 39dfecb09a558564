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

    public const int DefaultReliefDays = 90;
    public const int DefaultRemindDaysBefore = 14;

    public DateTimeOffset LocalNow(TimeProvider time) => TimeZoneInfo.ConvertTime(time.GetUtcNow(), TimeZone);

    /// <summary>"Today" for this clinic: its local date, which is what patients and staff mean by a date.</summary>
    public DateOnly Today(TimeProvider time) => DateOnly.FromDateTime(LocalNow(time).DateTime);

    public bool IsInSendWindow(TimeProvider time) => SendWindow.Contains(TimeOnly.FromDateTime(LocalNow(time).DateTime));
}
