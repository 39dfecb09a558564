namespace Reminders.Plan;

/// <summary>When relief is expected to end and when to remind the patient.</summary>
public readonly record struct ReminderSchedule(DateOnly ReliefEndsOn, DateOnly ReminderDate)
{
    /// <summary>A reminder whose relief ended more than this many days ago is too late to be useful: it expires instead.</summary>
    public const int ExpiryGraceDays = 7;

    public static ReminderSchedule For(DateOnly injectionDate, int reliefDays, int remindDaysBefore)
    {
        var reliefEndsOn = injectionDate.AddDays(reliefDays);
        return new(reliefEndsOn, reliefEndsOn.AddDays(-remindDaysBefore));
    }

    public bool IsExpiredOn(DateOnly today) => ReliefEndsOn < today.AddDays(-ExpiryGraceDays);

    public static string ExpiredDetail(DateOnly reliefEndsOn) =>
        $"Relief was expected to end on {reliefEndsOn:yyyy-MM-dd}, more than {ExpiryGraceDays} days before it could be sent.";
}
