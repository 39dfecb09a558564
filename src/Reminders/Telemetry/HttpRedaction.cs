using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Reminders.Telemetry;

/// <summary>
/// Keeps personal data out of HTTP spans. Incoming paths carry patient and session ids
/// (<c>/api/patients/{patientId}</c>) and the unsubscribe link carries a token in its query; outgoing storage URLs
/// carry table keys (clinic and patient ids) and filters. So a server span says the route template, never the path,
/// and a client span says the host, never the path or query.
/// </summary>
public static class HttpRedaction
{
    private const string UrlPath = "url.path";
    private const string UrlQuery = "url.query";
    private const string UrlFull = "url.full";
    private const string Route = "http.route";

    /// <summary>Request start: nothing of the path is known to be safe yet (routing has not run).</summary>
    public static void OnServerRequest(Activity activity, HttpRequest request)
    {
        activity.SetTag(UrlPath, null);
        activity.SetTag(UrlQuery, null);
        activity.DisplayName = request.Method;
    }

    /// <summary>Request end: routing has run; the template stands for the path.</summary>
    public static void OnServerResponse(Activity activity, HttpResponse response)
    {
        var template = (response.HttpContext.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText;
        activity.SetTag(UrlQuery, null);
        if (template is null)
        {
            // No route matched (404, or a middleware answered first): the path may be anything a caller typed.
            activity.SetTag(UrlPath, null);
            activity.SetTag(Route, null);
            activity.DisplayName = response.HttpContext.Request.Method;
            return;
        }
        if (!template.StartsWith('/')) template = "/" + template;
        activity.SetTag(Route, template);
        activity.SetTag(UrlPath, template);
        activity.DisplayName = $"{response.HttpContext.Request.Method} {template}";
    }

    /// <summary>Outgoing call (storage, ACS): scheme, host and port only.</summary>
    public static void OnClientRequest(Activity activity, HttpRequestMessage request)
    {
        activity.SetTag(UrlPath, null);
        activity.SetTag(UrlQuery, null);
        activity.SetTag(UrlFull, request.RequestUri is { IsAbsoluteUri: true } uri ? uri.GetLeftPart(UriPartial.Authority) + "/" : null);
        activity.DisplayName = request.Method.Method;
    }
}
