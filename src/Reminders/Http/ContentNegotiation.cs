using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;
using Reminders.Email;

namespace Reminders.Http;

/// <summary>
/// Who is asking, from the request's Accept headers: a person in a browser gets a readable page, a program gets
/// problem details. A link opened from an email is the same URL for both, so the answer must follow the headers.
/// </summary>
public static class ContentNegotiation
{
    /// <summary>
    /// True when the client ranks text/html above JSON (RFC 9110 §12.5.1: the most specific matching range decides).
    /// Browsers send "text/html,…,*/*;q=0.8"; curl's "*/*", no Accept at all, or a tie keep problem+json.
    /// </summary>
    public static bool PrefersHtml(HttpRequest request)
    {
        var accept = request.GetTypedHeaders().Accept;
        if (accept.Count == 0) return false;
        var html = Quality(accept, "text", "html");
        var json = Math.Max(Quality(accept, "application", "problem+json"), Quality(accept, "application", "json"));
        return html > 0 && html > json;
    }

    /// <summary>The first shipped language in Accept-Language (by quality), else English: for pages that have no clinic to take one from.</summary>
    public static string PageLanguage(HttpRequest request)
    {
        foreach (var tag in request.GetTypedHeaders().AcceptLanguage.OrderByDescending(l => l.Quality ?? 1))
        {
            if (tag.Quality is 0) continue;
            var language = tag.Value.ToString().Split('-')[0].ToLowerInvariant();
            if (EmailLocales.Shipped.Contains(language)) return language;
        }
        return "en";
    }

    private static double Quality(IList<MediaTypeHeaderValue> accept, string type, string subtype)
    {
        var best = (Specificity: 0, Quality: 0.0);
        foreach (var range in accept)
        {
            var specificity =
                range.Type.Equals(type, StringComparison.OrdinalIgnoreCase) && range.SubType.Equals(subtype, StringComparison.OrdinalIgnoreCase) ? 3 :
                range.Type.Equals(type, StringComparison.OrdinalIgnoreCase) && range.SubType == "*" ? 2 :
                range.Type == "*" && range.SubType == "*" ? 1 : 0;
            if (specificity > best.Specificity) best = (specificity, range.Quality ?? 1);
        }
        return best.Quality;
    }
}
