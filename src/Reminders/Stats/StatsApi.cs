using System.Globalization;
using Microsoft.AspNetCore.Http;
using Reminders.Http;

namespace Reminders.Stats;

public static class StatsApi
{
    /// <summary>
    /// <c>GET /api/stats[?from=&amp;to=]</c> (clinic): rebooking after reminders sent on local days from..to (default:
    /// the last 90 days), overall and by treatment, step, weekday, local hour of sending and check-in answer.
    /// </summary>
    public static async Task<IResult> GetStats(HttpRequest request, ApiAuthentication auth, RebookingStats stats, TimeProvider time, CancellationToken ct)
    {
        var caller = await auth.ClinicAsync(request, ct, staffMay: true);
        if (caller.Clinic is not { } clinic) return caller.Refused;

        var v = new Validation();
        var today = clinic.Today(time);
        var to = ReadDate(request, "to", today, v);
        var from = ReadDate(request, "from", to.AddDays(-89), v);
        if (v.IsValid && to < from) v.Add("to", "to must not be before from.");
        else if (v.IsValid && to.DayNumber - from.DayNumber >= RebookingStats.MaxDays) v.Add("to", $"The range may span at most {RebookingStats.MaxDays} days.");
        if (!v.IsValid) return v.ToResult();

        return TypedResults.Ok(await stats.ComputeAsync(clinic.Id, from, to, ct));
    }

    private static DateOnly ReadDate(HttpRequest request, string name, DateOnly otherwise, Validation v)
    {
        var values = request.Query[name];
        if (values.Count == 0) return otherwise;
        if (values.Count == 1 && DateOnly.TryParseExact(values[0], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)) return date;
        v.Add(name, $"{name} must be given at most once, as a real date written yyyy-MM-dd.");
        return otherwise;
    }
}
