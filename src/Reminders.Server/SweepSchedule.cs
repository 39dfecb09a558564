using Cronos;

namespace Reminders.Server;

/// <summary>The <c>ReminderSweepSchedule</c> setting (NCRONTAB, as the Functions timer reads it), evaluated in UTC like Azure does.</summary>
public sealed record SweepSchedule(CronExpression Expression, string Text)
{
    public const string Setting = "ReminderSweepSchedule";

    public static SweepSchedule FromConfiguration(IConfiguration configuration)
    {
        var text = configuration[Setting];
        if (string.IsNullOrWhiteSpace(text))
            throw new InvalidOperationException($"Setting '{Setting}' is missing: give a cron schedule such as '0 0 * * * *' (hourly).");
        var fields = text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
        try
        {
            return new SweepSchedule(CronExpression.Parse(text, fields == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard), text);
        }
        catch (CronFormatException e)
        {
            throw new InvalidOperationException($"Setting '{Setting}' is not a valid cron schedule ('{text}'): {e.Message}", e);
        }
    }

    public DateTimeOffset? NextAfter(DateTimeOffset now) => Expression.GetNextOccurrence(now, TimeZoneInfo.Utc);
}
