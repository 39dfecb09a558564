using System.Collections.Frozen;
using Microsoft.AspNetCore.Http;

namespace Reminders.Dashboard;

/// <summary>
/// The clinic dashboard's static files (plain HTML, CSS and an ES module, embedded: no build step, no CDN), served the
/// same by both hosts. Strict headers: no inline script or style can run, nothing is framed or sniffed, no Referer leaves.
/// </summary>
public static class DashboardApi
{
    private static readonly FrozenDictionary<string, (byte[] Body, string ContentType)> Assets = new[]
    {
        ("index.html", "text/html; charset=utf-8"), ("dashboard.css", "text/css; charset=utf-8"), ("dashboard.js", "text/javascript; charset=utf-8"),
    }.ToFrozenDictionary(a => a.Item1, a => (Read(a.Item1), a.Item2), StringComparer.Ordinal);

    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' https: data:; " +
        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    /// <summary><c>GET /api/dashboard/{file}</c> on both hosts: one of the files, or 404.</summary>
    public static IResult GetAsset(HttpRequest request, string? file)
    {
        // Its files are addressed relative to the page: "/dashboard" must become "/dashboard/" for them to resolve.
        if (string.IsNullOrEmpty(file) && !request.Path.Value!.EndsWith('/')) return TypedResults.Redirect(request.PathBase + request.Path + "/");
        var name = string.IsNullOrEmpty(file) ? "index.html" : file;
        if (!Assets.TryGetValue(name, out var asset)) return Http.Problems.NotFound("The dashboard has no such file.");
        var headers = request.HttpContext.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        headers.XFrameOptions = "DENY";
        headers.CacheControl = "no-cache";
        return TypedResults.Bytes(asset.Body, asset.ContentType);
    }

    private static byte[] Read(string name)
    {
        using var stream = typeof(DashboardApi).Assembly.GetManifestResourceStream("Reminders.Dashboard." + name)
                           ?? throw new InvalidOperationException($"The dashboard file {name} is not embedded.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
