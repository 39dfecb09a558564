using Microsoft.AspNetCore.Http;

namespace Reminders.ApiDescription;

/// <summary>
/// The API description, <c>docs/openapi.json</c>, built into this assembly so the Functions app can serve it: the
/// Functions host cannot generate it (its triggers carry no endpoint metadata). The Server generates the same document
/// from its route table, and a test fails when the committed file differs from what the Server generates.
/// </summary>
public static class OpenApiDocumentApi
{
    public const string ResourceName = "Reminders.openapi.json";
    public const string ContentType = "application/json;charset=utf-8";

    private static readonly Lazy<byte[]> Document = new(() =>
    {
        using var stream = typeof(OpenApiDocumentApi).Assembly.GetManifestResourceStream(ResourceName)
                           ?? throw new InvalidOperationException($"Resource {ResourceName} is missing: docs/openapi.json is embedded at build.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    });

    /// <summary><c>GET /api/openapi.json</c> (anyone): the OpenAPI 3.1 document.</summary>
    public static Task<IResult> GetDocument(HttpRequest request, Http.RequestRateLimits limits) =>
        Task.FromResult(limits.Anonymous(request) ?? TypedResults.Bytes(Document.Value, ContentType));
}
