using Microsoft.AspNetCore.Http;
using Reminders.Http;

namespace Reminders.Unsubscribe;

/// <summary>
/// The unsubscribe link (no key: the signed token is the credential). GET only shows a page, because link scanners
/// follow GETs; POST — the page's button or a mail client's RFC 8058 one-click POST — changes the choice.
/// </summary>
public static class UnsubscribeApi
{
    /// <summary><c>GET /api/unsubscribe?token=</c>: a confirmation page; changes nothing.</summary>
    public static async Task<IResult> ShowUnsubscribe(HttpRequest request, UnsubscribePages pages, CancellationToken ct) =>
        Page(request, pages, await pages.HandleAsync(request.Query["token"], UnsubscribePages.Action.Show, ct));

    /// <summary><c>POST /api/unsubscribe?token=</c>: opt out (form field <c>action=resubscribe</c>: opt back in). Idempotent.</summary>
    public static async Task<IResult> Unsubscribe(HttpRequest request, UnsubscribePages pages, CancellationToken ct)
    {
        var action = UnsubscribePages.Action.Unsubscribe;
        if (request.HasFormContentType)
        {
            if (request.ContentLength > JsonBody.MaxBytes) return Problems.TooLarge(JsonBody.MaxBytes);
            try
            {
                var form = await request.ReadFormAsync(ct);
                if (form["action"] == "resubscribe") action = UnsubscribePages.Action.Resubscribe;
            }
            catch (Exception e) when (e is InvalidDataException or IOException or BadHttpRequestException)
            {
                return Problems.Invalid("body", "The form data is malformed.");
            }
        }
        return Page(request, pages, await pages.HandleAsync(request.Query["token"], action, ct));
    }

    private static IResult Page(HttpRequest request, UnsubscribePages pages, string? html)
    {
        if (html is not null) return TypedResults.Content(html, "text/html; charset=utf-8");
        // A person in a browser gets a readable page; a program gets problem details. Both are 400.
        return request.Headers.Accept.ToString().Contains("text/html", StringComparison.OrdinalIgnoreCase)
            ? TypedResults.Content(pages.InvalidLink(), "text/html; charset=utf-8", statusCode: StatusCodes.Status400BadRequest)
            : Problems.Invalid("token", "The unsubscribe token is missing, altered or forged.");
    }
}
