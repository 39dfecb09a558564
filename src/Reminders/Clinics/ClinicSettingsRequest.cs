using Reminders.Email;
using Reminders.Http;

namespace Reminders.Clinics;

/// <summary>Body of <c>PUT /api/clinics/{clinicId}</c>.</summary>
public sealed record ClinicSettingsRequest(
    string? Name,
    string? TimeZone,
    string? BookingUrl,
    string? ReplyTo,
    int? ReliefDays,
    int? RemindDaysBefore,
    string? SendWindowStart,
    string? SendWindowEnd,
    bool? Paused,
    string? Locale = null,
    string? LogoUrl = null,
    string? AccentColor = null,
    string? PostalAddress = null,
    string? Phone = null,
    string[]? ClosedWeekdays = null,
    string[]? ClosedDates = null,
    int? FrequencyCapDays = null,
    string? DefaultTreatmentId = null)
{
    public const int MaxFrequencyCapDays = 60;

    public const int MinReliefDays = 14, MaxReliefDays = 365, MaxRemindDaysBefore = 60, MaxUrlLength = 2000;

    /// <summary>The timer runs hourly on the hour (UTC): a shorter window could fall between two runs and never be swept.</summary>
    public const int MinSendWindowMinutes = 60;

    public Clinic? Validate(string clinicId, Validation v)
    {
        v.RequireId("clinicId", clinicId);

        if (string.IsNullOrWhiteSpace(Name)) v.Add("name", "name is required.");
        else if (Name.Length > 200 || Name.Any(char.IsControl)) v.Add("name", "name must be at most 200 characters, without control characters.");

        TimeZoneInfo? zone = null;
        if (string.IsNullOrWhiteSpace(TimeZone)) v.Add("timeZone", "timeZone is required (an IANA name such as Europe/Madrid).");
        else if (!TimeZoneInfo.TryFindSystemTimeZoneById(TimeZone, out zone) || !TimeZoneInfo.TryConvertIanaIdToWindowsId(TimeZone, out _))
            v.Add("timeZone", $"'{TimeZone}' is not a known IANA time zone.");

        Uri? bookingUrl = null;
        if (string.IsNullOrWhiteSpace(BookingUrl)) v.Add("bookingUrl", "bookingUrl is required.");
        else if (BookingUrl.Length > MaxUrlLength || !Uri.TryCreate(BookingUrl, UriKind.Absolute, out bookingUrl) || bookingUrl.Scheme is not ("http" or "https") || string.IsNullOrEmpty(bookingUrl.Host))
            v.Add("bookingUrl", $"bookingUrl must be an absolute http or https URL of at most {MaxUrlLength} characters.");

        if (ReplyTo is not null && !EmailAddresses.IsValid(ReplyTo)) v.Add("replyTo", "replyTo must be an email address.");

        var reliefDays = ReliefDays ?? Clinic.DefaultReliefDays;
        if (reliefDays is < MinReliefDays or > MaxReliefDays) v.Add("reliefDays", $"reliefDays must be between {MinReliefDays} and {MaxReliefDays}.");

        var remindDaysBefore = RemindDaysBefore ?? Clinic.DefaultRemindDaysBefore;
        if (remindDaysBefore is < 0 or > MaxRemindDaysBefore) v.Add("remindDaysBefore", $"remindDaysBefore must be between 0 and {MaxRemindDaysBefore}.");
        else if (reliefDays <= remindDaysBefore && v.IsValid) v.Add("remindDaysBefore", "remindDaysBefore must be shorter than reliefDays.");

        var start = SendWindow.Default.StartMinute;
        if (SendWindowStart is not null && !SendWindow.TryParseTime(SendWindowStart, allowEndOfDay: false, out start))
            v.Add("sendWindowStart", "sendWindowStart must be a local time HH:mm.");
        var end = SendWindow.Default.EndMinute;
        if (SendWindowEnd is not null && !SendWindow.TryParseTime(SendWindowEnd, allowEndOfDay: true, out end))
            v.Add("sendWindowEnd", "sendWindowEnd must be a local time HH:mm (24:00 for end of day).");
        else if ((end - start + 24 * 60) % (24 * 60) is var length && length != 0 && length < MinSendWindowMinutes)
            v.Add("sendWindowEnd", $"The send window must be at least {MinSendWindowMinutes} minutes, so an hourly sweep always falls inside it.");
        else if (start == end)
            v.Add("sendWindowEnd", "sendWindowEnd must differ from sendWindowStart (use 00:00 to 24:00 for all day).");

        if (FrequencyCapDays is < 0 or > MaxFrequencyCapDays)
            v.Add("frequencyCapDays", $"frequencyCapDays must be between 0 (no cap) and {MaxFrequencyCapDays}.");
        if (DefaultTreatmentId is not null) v.RequireId("defaultTreatmentId", DefaultTreatmentId);
        var branding = ValidateBranding(v);
        var closed = ValidateClosedDays(v);

        return v.IsValid
            ? new Clinic(clinicId, Name!.Trim(), zone!, bookingUrl!, ReplyTo, reliefDays, remindDaysBefore, new SendWindow(start, end), Paused ?? false)
            {
                Branding = branding!,
                ClosedDays = closed!,
                FrequencyCapDays = FrequencyCapDays ?? Clinic.DefaultFrequencyCapDays,
                DefaultTreatmentId = DefaultTreatmentId,
            }
            : null;
    }

    private ClosedDays? ValidateClosedDays(Validation v)
    {
        var weekdays = new HashSet<DayOfWeek>();
        foreach (var name in ClosedWeekdays ?? [])
        {
            // Exact names only: Enum.TryParse would read "Monday,Tuesday" as their flags combined (Wednesday).
            if (Enum.GetNames<DayOfWeek>().FirstOrDefault(n => n.Equals(name, StringComparison.OrdinalIgnoreCase)) is { } match) weekdays.Add(Enum.Parse<DayOfWeek>(match));
            else v.Add("closedWeekdays", $"'{name}' is not a weekday (Monday … Sunday).");
        }
        if (weekdays.Count == 7) v.Add("closedWeekdays", "A clinic must be open on at least one weekday.");
        var dates = new HashSet<DateOnly>();
        if (ClosedDates is { Length: > ClosedDays.MaxDates }) v.Add("closedDates", $"closedDates may list at most {ClosedDays.MaxDates} dates.");
        foreach (var text in ClosedDates ?? [])
        {
            if (DateOnly.TryParseExact(text, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var date)) dates.Add(date);
            else v.Add("closedDates", $"'{text}' is not a date written yyyy-MM-dd.");
        }
        return v.IsValid ? new ClosedDays(weekdays, dates) : null;
    }

    private ClinicBranding? ValidateBranding(Validation v)
    {
        var locale = ClinicBranding.DefaultLocale;
        if (Locale is not null)
        {
            if (!EmailLocales.TryNormalize(Locale, out locale))
                v.Add("locale", $"'{Locale}' is not a known locale (for example en, es or es-MX).");
        }

        Uri? logo = null;
        if (LogoUrl is not null && (LogoUrl.Length > MaxUrlLength || !Uri.TryCreate(LogoUrl, UriKind.Absolute, out logo) || logo.Scheme != "https"))
            v.Add("logoUrl", $"logoUrl must be an absolute https URL of at most {MaxUrlLength} characters (mail clients block insecure images).");

        if (AccentColor is not null && !System.Text.RegularExpressions.Regex.IsMatch(AccentColor, @"^#[0-9A-Fa-f]{6}\z"))
            v.Add("accentColor", "accentColor must be a colour written #RRGGBB.");

        if (PostalAddress is not null && (PostalAddress.Length > 300 || PostalAddress.Any(char.IsControl)))
            v.Add("postalAddress", "postalAddress must be at most 300 characters on one line.");

        if (Phone is not null && !System.Text.RegularExpressions.Regex.IsMatch(Phone, @"^[0-9+()\-. ]{3,40}\z"))
            v.Add("phone", "phone must be 3-40 characters of digits, spaces and + ( ) - .");

        return v.IsValid
            ? new ClinicBranding(locale, logo, (AccentColor ?? ClinicBranding.DefaultAccentColor).ToUpperInvariant(), PostalAddress?.Trim(), Phone?.Trim())
            : null;
    }
}
