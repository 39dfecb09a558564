using System.Globalization;

namespace Reminders.Clinics;

/// <summary>
/// The local hours in which a clinic's patients may be emailed, as minutes after midnight; End may be 24:00.
/// A window whose end is before its start runs over midnight (e.g. 22:00–02:00).
/// </summary>
public readonly record struct SendWindow(int StartMinute, int EndMinute)
{
    public static readonly SendWindow Default = new(8 * 60, 20 * 60);

    /// <summary>Windows are at least this long, so an hourly sweep always falls inside one.</summary>
    public static readonly TimeSpan Shortest = TimeSpan.FromHours(1);

    private const int MinutesPerDay = 24 * 60;

    /// <summary>How long the window lasts by the clock on the wall (00:00–24:00: a whole day).</summary>
    public TimeSpan Length => TimeSpan.FromMinutes((EndMinute - StartMinute + MinutesPerDay) % MinutesPerDay is var m && m == 0 ? MinutesPerDay : m);

    /// <summary>Whether the window is open at <paramref name="now"/> in <paramref name="zone"/>.</summary>
    public bool IsOpen(DateTimeOffset now, TimeZoneInfo zone) => OpenInterval(now, zone) is not null;

    /// <summary>
    /// The occurrence of the window that holds <paramref name="now"/>, as instants [start, end); null when closed.
    /// Daylight-saving changes: a start (or end) that falls in a spring-forward gap is the first instant after the
    /// gap, a time that occurs twice is its first occurrence, and a window never lasts less than an hour (or its
    /// own length, if shorter), so a window that falls wholly inside a gap still gets an hourly sweep that day.
    /// </summary>
    public (DateTimeOffset Start, DateTimeOffset End)? OpenInterval(DateTimeOffset now, TimeZoneInfo zone)
    {
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, zone).DateTime);
        foreach (var day in new[] { today.AddDays(-1), today })
        {
            var start = Instant(day, StartMinute, zone);
            var endDay = EndMinute > StartMinute ? day : day.AddDays(1);
            var end = Instant(endDay, EndMinute, zone);
            var shortest = start + (Length < Shortest ? Length : Shortest);
            if (end < shortest) end = shortest;
            if (now >= start && now < end) return (start, end);
        }
        return null;
    }

    /// <summary>The instant a local wall-clock time names: after a spring-forward gap if it falls in one, the first occurrence if it falls twice.</summary>
    internal static DateTimeOffset Instant(DateOnly day, int minute, TimeZoneInfo zone)
    {
        var local = day.ToDateTime(TimeOnly.MinValue).AddMinutes(minute);
        while (zone.IsInvalidTime(local)) local = local.AddMinutes(1);
        var offset = zone.IsAmbiguousTime(local) ? zone.GetAmbiguousTimeOffsets(local).Max() : zone.GetUtcOffset(local);
        return new DateTimeOffset(DateTime.SpecifyKind(local, DateTimeKind.Unspecified), offset).ToUniversalTime();
    }

    public string Start => Format(StartMinute);
    public string End => Format(EndMinute);

    public static string Format(int minute) => $"{minute / 60:00}:{minute % 60:00}";

    /// <summary>Parses "HH:mm" (00:00–23:59); "24:00" only where <paramref name="allowEndOfDay"/>.</summary>
    public static bool TryParseTime(string? text, bool allowEndOfDay, out int minute)
    {
        minute = 0;
        if (text is null) return false;
        if (allowEndOfDay && text == "24:00")
        {
            minute = MinutesPerDay;
            return true;
        }
        if (!TimeOnly.TryParseExact(text, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var time)) return false;
        minute = time.Hour * 60 + time.Minute;
        return true;
    }
}
