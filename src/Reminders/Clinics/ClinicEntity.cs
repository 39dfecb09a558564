using Azure;
using Azure.Data.Tables;

namespace Reminders.Clinics;

/// <summary>A clinic row: PartitionKey "clinic", RowKey the clinic id.</summary>
public sealed class ClinicEntity : ITableEntity
{
    public const string Partition = "clinic";

    public string PartitionKey { get; set; } = Partition;
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string Name { get; set; } = "";
    public string TimeZone { get; set; } = "";
    public string BookingUrl { get; set; } = "";
    public string? ReplyTo { get; set; }
    public int ReliefDays { get; set; }
    public int RemindDaysBefore { get; set; }
    public int SendWindowStartMinute { get; set; }
    public int SendWindowEndMinute { get; set; }
    public bool Paused { get; set; }
    public string? Locale { get; set; }
    public string? LogoUrl { get; set; }
    public string? AccentColor { get; set; }
    public string? PostalAddress { get; set; }
    public string? Phone { get; set; }
    /// <summary>Null on rows from before the cap: the default.</summary>
    public int? FrequencyCapDays { get; set; }
    public string? DefaultTreatmentId { get; set; }
    public string? ClosedWeekdays { get; set; }
    public string? ClosedDates { get; set; }
    public string ApiKeyHash { get; set; } = "";
    public int PlanVersion { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    public Clinic ToClinic() => new(
        RowKey, Name, TimeZoneInfo.FindSystemTimeZoneById(TimeZone), new Uri(BookingUrl), ReplyTo,
        ReliefDays, RemindDaysBefore, new SendWindow(SendWindowStartMinute, SendWindowEndMinute), Paused)
    {
        Branding = new ClinicBranding(
            Locale ?? ClinicBranding.DefaultLocale, LogoUrl is null ? null : new Uri(LogoUrl),
            AccentColor ?? ClinicBranding.DefaultAccentColor, PostalAddress, Phone),
        PlanVersion = PlanVersion,
        ClosedDays = ClosedDays.Parse(ClosedWeekdays, ClosedDates),
        FrequencyCapDays = FrequencyCapDays ?? Clinic.DefaultFrequencyCapDays,
        DefaultTreatmentId = DefaultTreatmentId,
    };

    public void Apply(Clinic clinic)
    {
        RowKey = clinic.Id;
        Name = clinic.Name;
        TimeZone = clinic.TimeZone.Id;
        BookingUrl = clinic.BookingUrl.AbsoluteUri;
        ReplyTo = clinic.ReplyTo;
        ReliefDays = clinic.ReliefDays;
        RemindDaysBefore = clinic.RemindDaysBefore;
        SendWindowStartMinute = clinic.SendWindow.StartMinute;
        SendWindowEndMinute = clinic.SendWindow.EndMinute;
        Paused = clinic.Paused;
        Locale = clinic.Branding.Locale;
        LogoUrl = clinic.Branding.LogoUrl?.AbsoluteUri;
        AccentColor = clinic.Branding.AccentColor;
        PostalAddress = clinic.Branding.PostalAddress;
        Phone = clinic.Branding.Phone;
        FrequencyCapDays = clinic.FrequencyCapDays;
        DefaultTreatmentId = clinic.DefaultTreatmentId;
        ClosedWeekdays = clinic.ClosedDays.WeekdaysText;
        ClosedDates = clinic.ClosedDays.DatesText;
    }
}
