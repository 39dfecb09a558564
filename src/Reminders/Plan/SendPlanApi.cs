using System.Globalization;
using Microsoft.AspNetCore.Http;
using Reminders.Http;
using Reminders.Patients;
using Reminders.Sessions;

namespace Reminders.Plan;

public static class SendPlanApi
{
    public const int MaxDays = 92;

    /// <summary><c>GET /api/reminders?from=&amp;to=</c> (clinic): this clinic's reminders due in a date range, whatever their status.</summary>
    public static async Task<IResult> GetSendPlan(HttpRequest request, ApiAuthentication auth, PatientRecords records, CancellationToken ct)
    {
        var clinic = await auth.ClinicAsync(request, ct);
        if (clinic is null) return ApiAuthentication.ClinicKeyRequired();

        var v = new Validation();
        var from = ReadDate(request, "from", v);
        var to = ReadDate(request, "to", v);
        if (v.IsValid && to < from) v.Add("to", "to must not be before from.");
        else if (v.IsValid && to.DayNumber - from.DayNumber >= MaxDays) v.Add("to", $"The range may span at most {MaxDays} days.");
        if (!v.IsValid) return v.ToResult();

        var sessions = await records.SessionsWithReminderBetweenAsync(clinic.Id, from, to, ct);
        return TypedResults.Ok(sessions
            .OrderBy(s => s.ReminderDate, StringComparer.Ordinal).ThenBy(s => s.RowKey, StringComparer.Ordinal)
            .Select(SessionView.Of).ToList());
    }

    private static DateOnly ReadDate(HttpRequest request, string name, Validation v)
    {
        var values = request.Query[name];
        if (values.Count != 1 || string.IsNullOrEmpty(values[0])) v.Add(name, $"{name} is required once, as yyyy-MM-dd.");
        else if (DateOnly.TryParseExact(values[0], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)) return date;
        else v.Add(name, $"{name} must be a real date written yyyy-MM-dd.");
        return default;
    }
}
