using System.Globalization;

namespace Reminders.Clinics;

/// <summary>
/// The local hours in which a clinic's patients may be emailed, as minutes after midnight; End may be 24:00.
/// A window whose end is before its start runs over midnight (e.g. 22:00–02:00).
/// </summary>
public readonly record struct SendWindow(int StartMinute, int EndMinute)
{
    public static readonly SendWindow Default = new(8 * 60, 20 * 60);

    public bool Contains(TimeOnly localTime)
    {
        var minute = localTime.Hour * 60 + localTime.Minute;
        return StartMinute < EndMinute
            ? minute >= StartMinute && minute < EndMinute
            : minute >= StartMinute || minute < EndMinute;
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
            minute = 24 * 60;
            return true;
        }
        if (!TimeOnly.TryParseExact(text, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var time)) return false;
        minute = time.Hour * 60 + time.Minute;
        return true;
    }
}
