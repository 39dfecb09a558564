using System.Globalization;
using Microsoft.AspNetCore.Http;
using Reminders.Http;
using Reminders.Patients;
using Reminders.Security;
using Reminders.Sessions;

namespace Reminders.Plan;

public static class SendPlanApi
{
    public const int MaxDays = 92;
    public const int MaxPageSize = 500;
    private static readonly DateOnly EarliestDate = new(1900, 1, 1), LatestDate = new(9998, 12, 31);
    private const string TokenPurpose = "send-plan-page", DecidedTokenPurpose = "send-plan-page/decided";
    public const string ByReminderDate = "reminderDate", ByDecided = "decided", IncludeFirstName = "firstName";

    /// <summary>One page of the send plan; pass <see cref="ContinuationToken"/> back for the next (null: the last page).</summary>
    public sealed record Page(IReadOnlyList<SessionView> Reminders, string? ContinuationToken);

    /// <summary>
    /// <c>GET /api/reminders?from=&amp;to=[&amp;by=][&amp;include=firstName][&amp;pageSize=][&amp;continuationToken=]</c> (clinic): this clinic's
    /// reminders with a reminder date in the range (or, <c>by=decided</c>, that got their current status on a day of the
    /// range in the clinic's time zone), whatever their status, a page at a time in patient order. The token is sealed:
    /// it shows no patient id and cannot be altered.
    /// </summary>
    public static async Task<IResult> GetSendPlan(HttpRequest request, ApiAuthentication auth, PatientRecords records, SealedTokens tokens, Ledger.SendLedger ledger, CancellationToken ct)
    {
        var caller = await auth.ClinicAsync(request, ct, staffMay: true);
        if (caller.Clinic is not { } clinic) return caller.Refused;

        var v = new Validation();
        var from = ReadDate(request, "from", v);
        var to = ReadDate(request, "to", v);
        if (v.IsValid && to < from) v.Add("to", "to must not be before from.");
        else if (v.IsValid && to.DayNumber - from.DayNumber >= MaxDays) v.Add("to", $"The range may span at most {MaxDays} days.");

        var by = request.Query["by"];
        if (by.Count > 1 || (by.Count == 1 && by[0] is not (ByReminderDate or ByDecided)))
            v.Add("by", $"by must be {ByReminderDate} (the default: the reminder's date) or {ByDecided} (the day it got its current status, in the clinic's time zone).");
        var byDecided = by.Count == 1 && by[0] == ByDecided;
        var purpose = byDecided ? DecidedTokenPurpose : TokenPurpose;

        var include = request.Query["include"];
        if (include.Count > 1 || (include.Count == 1 && include[0] != IncludeFirstName))
            v.Add("include", $"include may only be {IncludeFirstName} (each reminder with its patient's first name).");
        var withNames = include.Count == 1;

        var pageSize = MaxPageSize;
        var sizeText = request.Query["pageSize"];
        if (sizeText.Count > 0 && (sizeText.Count > 1 || !int.TryParse(sizeText[0], NumberStyles.None, CultureInfo.InvariantCulture, out pageSize) || pageSize is < 1 or > MaxPageSize))
            v.Add("pageSize", $"pageSize must be a whole number from 1 to {MaxPageSize}.");

        string? position = null;
        var tokenText = request.Query["continuationToken"];
        if (tokenText.Count > 0)
        {
            // The sealed content names the query it continues, so a token cannot be replayed against another range or clinic.
            var content = tokens.Unseal(purpose, tokenText[0]);
            var expected = $"{clinic.Id}\n{from:yyyy-MM-dd}\n{to:yyyy-MM-dd}\n";
            if (tokenText.Count > 1 || content is null || !content.StartsWith(expected, StringComparison.Ordinal))
                v.Add("continuationToken", "continuationToken is not one this service gave for this clinic and range.");
            else position = content[expected.Length..];
        }
        if (!v.IsValid) return v.ToResult();

        var (sessions, next) = byDecided
            ? await records.SessionsDecidedBetweenAsync(clinic.Id, clinic.StartOf(from), clinic.StartOf(to.AddDays(1)), pageSize, position, ct)
            : await records.SessionsWithReminderBetweenAsync(clinic.Id, from, to, pageSize, position, ct);
        var deliveries = await DeliveryView.ReadAsync(ledger, sessions, ct);
        var names = withNames ? await records.FirstNamesAsync(clinic.Id, sessions, ct) : null;
        return TypedResults.Ok(new Page(
            sessions.Select(s => SessionView.Of(s, deliveries) with { FirstName = names?.GetValueOrDefault(s.PatientId) }).ToList(),
            next is null ? null : tokens.Seal(purpose, $"{clinic.Id}\n{from:yyyy-MM-dd}\n{to:yyyy-MM-dd}\n{next}")));
    }

    private static DateOnly ReadDate(HttpRequest request, string name, Validation v)
    {
        var values = request.Query[name];
        if (values.Count != 1 || string.IsNullOrEmpty(values[0])) v.Add(name, $"{name} is required once, as yyyy-MM-dd.");
        else if (!DateOnly.TryParseExact(values[0], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            v.Add(name, $"{name} must be a real date written yyyy-MM-dd.");
        // Far enough from the calendar's ends that a day's start in any time zone, and the day after, exist.
        else if (date < EarliestDate || date > LatestDate) v.Add(name, $"{name} must be from {EarliestDate:yyyy-MM-dd} to {LatestDate:yyyy-MM-dd}.");
        else return date;
        return default;
    }
}
