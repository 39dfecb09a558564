using System.Globalization;

namespace Reminders.Clinics;

/// <summary>
/// The days a clinic is closed (weekdays, and dates such as holidays): a reminder due on one goes out on the previous
/// open day, so a patient who reads it and calls finds someone there; never on or before the injection day (then the
/// next open day).
/// </summary>
public sealed record ClosedDays(IReadOnlySet<DayOfWeek> Weekdays, IReadOnlySet<DateOnly> Dates)
{
    public const int MaxDates = 200;

    public static readonly ClosedDays None = new(new HashSet<DayOfWeek>(), new HashSet<DateOnly>());

    public bool IsEmpty => Weekdays.Count == 0 && Dates.Count == 0;

    public bool IsClosed(DateOnly day) => Weekdays.Contains(day.DayOfWeek) || Dates.Contains(day);

    /// <summary>The open day to send on instead of <paramref name="due"/>, and null when <paramref name="due"/> is open.</summary>
    public DateOnly? Shift(DateOnly due, DateOnly earliest)
    {
        if (!IsClosed(due)) return null;
        for (var day = due.AddDays(-1); day >= earliest; day = day.AddDays(-1))
            if (!IsClosed(day)) return day;
        for (var day = due.AddDays(1); day <= due.AddDays(400); day = day.AddDays(1))
            if (!IsClosed(day)) return day;
        return null; // validation keeps a weekday open, so this is not reached
    }

    public string Why(DateOnly day) =>
        Dates.Contains(day) ? $"the clinic is closed on {day:yyyy-MM-dd}" : $"the clinic is closed on {day.DayOfWeek}s";

    // Stored on the clinic row as "Sunday,Saturday" and "2026-12-25,2027-01-01".
    public string? WeekdaysText => Weekdays.Count == 0 ? null : string.Join(',', Weekdays.Order());
    public string? DatesText => Dates.Count == 0 ? null : string.Join(',', Dates.Order().Select(d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)));

    public static ClosedDays Parse(string? weekdays, string? dates) => new(
        (weekdays ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries).Select(Enum.Parse<DayOfWeek>).ToHashSet(),
        (dates ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries).Select(d => DateOnly.ParseExact(d, "yyyy-MM-dd", CultureInfo.InvariantCulture)).ToHashSet());
}
