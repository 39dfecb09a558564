namespace Reminders.Plan;

/// <summary>When relief is expected to end and when to remind the patient.</summary>
public readonly record struct ReminderSchedule(DateOnly ReliefEndsOn, DateOnly ReminderDate)
{
    /// <summary>A reminder whose relief ended more than this many days ago is too late to be useful: it expires instead.</summary>
    public const int ExpiryGraceDays = 7;

    /// <param name="earliest">The earliest day closed days may move it back to (default: the day after the injection).</param>
    public static ReminderSchedule For(DateOnly injectionDate, int reliefDays, int remindDaysBefore, Clinics.ClosedDays? closed = null, DateOnly? earliest = null)
    {
        var reliefEndsOn = injectionDate.AddDays(reliefDays);
        var due = reliefEndsOn.AddDays(-remindDaysBefore);
        return new(reliefEndsOn, closed?.Shift(due, earliest: earliest ?? injectionDate.AddDays(1)) ?? due);
    }

    /// <summary>Too late: more than the grace after relief ended, or after the reminder's own date when it is a later step.</summary>
    public bool IsExpiredOn(DateOnly today) => (ReminderDate > ReliefEndsOn ? ReminderDate : ReliefEndsOn) < today.AddDays(-ExpiryGraceDays);

    public string ExpiredDetail() => ReminderDate > ReliefEndsOn
        ? $"This follow-up was due on {ReminderDate:yyyy-MM-dd}, more than {ExpiryGraceDays} days before it could be sent."
        : ExpiredDetail(ReliefEndsOn);

    public static string ExpiredDetail(DateOnly reliefEndsOn) =>
        $"Relief was expected to end on {reliefEndsOn:yyyy-MM-dd}, more than {ExpiryGraceDays} days before it could be sent.";
}
