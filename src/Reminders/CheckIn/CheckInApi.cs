using System.Globalization;
using Microsoft.AspNetCore.Http;
using Reminders.Http;
using Reminders.Unsubscribe;

namespace Reminders.CheckIn;

/// <summary>
/// The check-in links of a reminder email (no key: the sealed token is the credential). Scanner-safe: GET and HEAD
/// only show a confirm page, because mail scanners follow links; POST (the page's button) records the answer, and
/// repeating it changes nothing.
/// </summary>
public static class CheckInApi
{
    /// <summary><c>GET /api/check-in?token=&amp;answer=notYet|noLonger</c>: the confirm page; changes nothing.</summary>
    public static async Task<IResult> ShowCheckIn(HttpRequest request, CheckInPages pages, UnsubscribePages neutral, RequestRateLimits limits, CancellationToken ct)
    {
        if (limits.Anonymous(request) is { } refused) return refused;
        if (Answer(request) is not { } answer) return BadAnswer();
        return UnsubscribeApi.Page(request, neutral, await pages.HandleAsync(request.Query["token"], answer, act: false, null, ct), "check-in");
    }

    /// <summary><c>POST /api/check-in?token=&amp;answer=</c> (form field <c>weeks</c> 1, 2 or 4 for notYet; default 2): records the answer.</summary>
    public static async Task<IResult> CheckIn(HttpRequest request, CheckInPages pages, UnsubscribePages neutral, RequestRateLimits limits, CancellationToken ct)
    {
        if (limits.Anonymous(request) is { } refused) return refused;
        if (Answer(request) is not { } answer) return BadAnswer();
        var weeks = 2;
        if (request.HasFormContentType)
        {
            if (request.ContentLength > JsonBody.MaxBytes) return Problems.TooLarge(JsonBody.MaxBytes);
            try
            {
                var form = await request.ReadFormAsync(ct);
                if (form["weeks"] is { Count: > 0 } chosen &&
                    !(int.TryParse(chosen.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out weeks) && CheckInAnswer.WeekChoices.Contains(weeks)))
                    return Problems.Invalid("weeks", $"weeks must be one of {string.Join(", ", CheckInAnswer.WeekChoices)}.");
            }
            catch (Exception e) when (e is InvalidDataException or IOException or BadHttpRequestException)
            {
                return Problems.Invalid("body", "The form data is malformed.");
            }
        }
        return UnsubscribeApi.Page(request, neutral, await pages.HandleAsync(request.Query["token"], answer, act: true, weeks, ct), "check-in");
    }

    private static string? Answer(HttpRequest request) =>
        request.Query["answer"].ToString() is CheckInAnswer.NotYet or CheckInAnswer.NoLonger ? request.Query["answer"].ToString() : null;

    private static IResult BadAnswer() => Problems.Invalid("answer", $"answer must be {CheckInAnswer.NotYet} or {CheckInAnswer.NoLonger}.");
}
