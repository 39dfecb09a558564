using Microsoft.OpenApi;
using Reminders.Stats;
using static Reminders.Server.ApiDescription.DescriptionConventions;

namespace Reminders.Server.ApiDescription;

/// <summary>What the statistics route takes and answers (see <see cref="RemindersApiDescription"/> for the rest).</summary>
public static class StatsApiDescription
{
    public static RouteHandlerBuilder DescribeGetStats(this RouteHandlerBuilder route) => route
        .WithName("GetStats").WithTags("Statistics")
        .WithSummary("Did it work: patients reminded and how many rebooked (clinic).")
        .WithDescription("Patients reminded on the clinic's local days from..to, and those who came back (a newer session of the treatment " +
                         "posted) within 30 and 60 days of their first reminder in the range, with the median days to rebooking; overall and " +
                         "by treatment, step, weekday and local hour of sending, and check-in answer (none, notYet, noLonger). Counts only: no ids. " +
                         $"The range spans at most {RebookingStats.MaxDays} days; the cost follows the reminders sent in it.")
        .WithQuery("from", required: false, "First local day of sending (yyyy-MM-dd); default 89 days before to.", Date())
        .WithQuery("to", required: false, "Last local day of sending (yyyy-MM-dd), inclusive; default the clinic's today.", Date())
        .Responds(200, typeof(RebookingStats.Report), "The figures.", Json)
        .RespondsInvalid("A date is not a real date or given twice, the range is reversed or too long.")
        .RequiresClinicKey(staffMay: true);
}
