using Microsoft.AspNetCore.Http;
using Reminders.Http;

namespace Reminders.Unsubscribe;

/// <summary>
/// The unsubscribe link (no key: the signed token is the credential). GET and HEAD only show a page, because link
/// scanners follow GETs and probe with HEADs; POST — the page's button or a mail client's RFC 8058 one-click POST —
/// changes the choice.
/// </summary>
public static class UnsubscribeApi
{
    /// <summary>
    /// <c>GET /api/unsubscribe?token=</c>: a confirmation page; changes nothing. Also mapped for <c>HEAD</c>: the same
    /// status and headers, and the server sends no body.
    /// </summary>
    public static async Task<IResult> ShowUnsubscribe(HttpRequest request, UnsubscribePages pages, RequestRateLimits limits, CancellationToken ct) =>
        limits.Anonymous(request) ?? Page(request, pages, await pages.HandleAsync(request.Query["token"], UnsubscribePages.Action.Show, ct), "unsubscribe");

    /// <summary><c>POST /api/unsubscribe?token=</c>: opt out (form field <c>action=resubscribe</c>: opt back in). Idempotent.</summary>
    public static async Task<IResult> Unsubscribe(HttpRequest request, UnsubscribePages pages, RequestRateLimits limits, CancellationToken ct)
    {
        if (limits.Anonymous(request) is { } refused) return refused;
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
        return Page(request, pages, await pages.HandleAsync(request.Query["token"], action, ct), "unsubscribe");
    }

    /// <summary>A patient link's page; or, for a bad token, a readable page for a browser and problem details for a program (both 400).</summary>
    internal static IResult Page(HttpRequest request, UnsubscribePages pages, string? html, string link)
    {
        if (html is not null) return TypedResults.Content(html, "text/html; charset=utf-8");
        // A person in a browser gets a readable page; a program gets problem details. Both are 400.
        return ContentNegotiation.PrefersHtml(request)
            ? TypedResults.Content(pages.InvalidLink(ContentNegotiation.PageLanguage(request)), "text/html; charset=utf-8", statusCode: StatusCodes.Status400BadRequest)
            : Problems.Invalid("token", $"The {link} token is missing, altered or forged.");
    }
}
