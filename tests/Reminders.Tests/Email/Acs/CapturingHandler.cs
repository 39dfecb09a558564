using System.Net;
using Azure.Core;
using Azure.Core.Pipeline;

namespace Reminders.Tests.Email.Acs;

/// <summary>An HttpClient handler that keeps each request as it would go on the wire and answers with a fixed response; no network.</summary>
public sealed class CapturingHandler(HttpStatusCode status = HttpStatusCode.OK, string body = "") : HttpMessageHandler
{
    public sealed record Captured(HttpMethod Method, Uri Uri, IReadOnlyDictionary<string, string> Headers, byte[] Body);

    private readonly List<Captured> _requests = [];

    public IReadOnlyList<Captured> Requests => _requests;

    public HttpPipelineTransport Transport() => new HttpClientTransport(new HttpClient(this));

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        var headers = request.Headers.Concat(request.Content?.Headers ?? Enumerable.Empty<KeyValuePair<string, IEnumerable<string>>>())
            .ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase);
        var bytes = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(ct);
        _requests.Add(new Captured(request.Method, request.RequestUri!, headers, bytes));
        return new HttpResponseMessage(status) { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };
    }
}

/// <summary>Client options for a bare test pipeline.</summary>
public sealed class TestClientOptions : ClientOptions;
