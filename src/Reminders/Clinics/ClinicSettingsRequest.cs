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
    bool? Paused)
{
    public const int MinReliefDays = 14, MaxReliefDays = 365, MaxRemindDaysBefore = 60;

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
        else if (!Uri.TryCreate(BookingUrl, UriKind.Absolute, out bookingUrl) || bookingUrl.Scheme is not ("http" or "https") || string.IsNullOrEmpty(bookingUrl.Host))
            v.Add("bookingUrl", "bookingUrl must be an absolute http or https URL.");

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
        else if (start == end)
            v.Add("sendWindowEnd", "sendWindowEnd must differ from sendWindowStart (use 00:00 to 24:00 for all day).");

        return v.IsValid
            ? new Clinic(clinicId, Name!.Trim(), zone!, bookingUrl!, ReplyTo, reliefDays, remindDaysBefore, new SendWindow(start, end), Paused ?? false)
            : null;
    }
}
