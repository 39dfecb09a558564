using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Reminders.Tests.Email.Acs;

/// <summary>One request as the fake ACS received it.</summary>
public sealed record AcsRequest(string Method, string Target, string? OperationId, string? Date, byte[] Body, bool SignatureValid)
{
    public JsonNode? Json => Body.Length == 0 ? null : JsonNode.Parse(Body);
}

/// <summary>What the fake ACS answers to one request instead of its normal behaviour.</summary>
/// <param name="Accept">Take the send (create the operation) before answering, as a server that times out after accepting.</param>
/// <param name="Delay">Wait this long before answering (ended early if the client gives up).</param>
public sealed record AcsFault(int Status, string? ErrorCode = null, string? ErrorMessage = null, string? RetryAfter = null,
    bool Accept = false, TimeSpan Delay = default, bool ErrorCodeHeaderOnly = false);

/// <summary>
/// Plays ACS Email on a loopback Kestrel: <c>POST /emails:send</c> and <c>GET /emails/operations/{id}</c>, answering
/// with the spec examples' responses (stable 2025-09-01). It checks every request's HMAC signature itself, from the raw
/// request (method, raw target, Host header, body bytes), without the code under test; a bad signature gets 401.
/// It counts POSTs and acceptances per Operation-Id, so a test can prove no reminder was sent twice.
/// </summary>
public sealed class FakeAcsServer : IAsyncDisposable
{
    public const string ApiVersion = "2025-09-01";
    private static readonly Regex AuthorizationPattern =
        new("^HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=(?<signature>[A-Za-z0-9+/=]+)$");

    private readonly WebApplication _app;
    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);
    private readonly Lock _gate = new();
    private readonly List<AcsRequest> _requests = [];
    private readonly Dictionary<string, string> _operations = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, int> _accepted = new(StringComparer.OrdinalIgnoreCase);
    private readonly JsonObject _send202 = Example("SendEmail.json")["responses"]!["202"]!.AsObject();

    private FakeAcsServer(WebApplication app)
    {
        _app = app;
        app.Run(HandleAsync);
    }

    public static async Task<FakeAcsServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var server = new FakeAcsServer(builder.Build());
        await server._app.StartAsync();
        var address = server._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.Endpoint = new Uri(address);
        return server;
    }

    public Uri Endpoint { get; private set; } = null!;
    public string AccessKey => Convert.ToBase64String(_key);
    public string ConnectionString => $"endpoint={Endpoint};accesskey={AccessKey}";

    /// <summary>Decides each POST before the normal behaviour: (request, number of this POST for its Operation-Id) → a fault, or null.</summary>
    public Func<AcsRequest, int, AcsFault?>? OnPost { get; set; }

    /// <summary>Decides each status GET before the normal behaviour: (request, operation id) → a fault, or null.</summary>
    public Func<AcsRequest, string, AcsFault?>? OnGet { get; set; }

    /// <summary>The status new operations start with.</summary>
    public string InitialStatus { get; set; } = "Running";

    public IReadOnlyList<AcsRequest> Requests { get { lock (_gate) return _requests.ToArray(); } }
    public IReadOnlyList<AcsRequest> Posts => Requests.Where(r => r.Method == "POST").ToArray();
    public IReadOnlyList<AcsRequest> Gets => Requests.Where(r => r.Method == "GET").ToArray();
    public int PostsFor(Guid operationId) => Posts.Count(r => string.Equals(r.OperationId, operationId.ToString(), StringComparison.OrdinalIgnoreCase));
    public int GetsFor(Guid operationId) => Gets.Count(r => r.Target.Contains(operationId.ToString(), StringComparison.OrdinalIgnoreCase));
    /// <summary>How often this operation was taken for sending: more than 1 is a duplicate email.</summary>
    public int AcceptedFor(Guid operationId) { lock (_gate) return _accepted.GetValueOrDefault(operationId.ToString()); }
    public int SignatureFailures => Requests.Count(r => !r.SignatureValid);

    public void SetStatus(Guid operationId, string status) { lock (_gate) _operations[operationId.ToString()] = status; }

    private async Task HandleAsync(HttpContext context)
    {
        var raw = context.Features.Get<IHttpRequestFeature>()!.RawTarget;
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
        var body = buffer.ToArray();
        var headers = context.Request.Headers;
        var request = new AcsRequest(context.Request.Method, raw, headers["Operation-Id"].FirstOrDefault(), headers["x-ms-date"].FirstOrDefault(),
            body, VerifySignature(context.Request.Method, raw, headers, body));
        lock (_gate) _requests.Add(request);

        if (!request.SignatureValid)
        {
            await Error(context, 401, "Unauthorized", "Denied by the resource provider: the HMAC signature does not match.");
            return;
        }

        var path = context.Request.Path.Value ?? "";
        if (context.Request.Query["api-version"] != ApiVersion)
            await Error(context, 400, "InvalidApiVersion", "Unsupported api-version.");
        else if (request.Method == "POST" && path == "/emails:send")
            await SendAsync(context, request);
        else if (request.Method == "GET" && path.StartsWith("/emails/operations/", StringComparison.Ordinal))
            await StatusAsync(context, request, Uri.UnescapeDataString(path["/emails/operations/".Length..]));
        else
            await Error(context, 404, "NotFound", "No such route.");
    }

    private async Task SendAsync(HttpContext context, AcsRequest request)
    {
        var id = request.OperationId;
        if (!Guid.TryParse(id, out _))
        {
            await Error(context, 400, "InvalidOperationId", "Operation-Id must be a uuid.");
            return;
        }
        int number;
        lock (_gate) number = _requests.Count(r => r.Method == "POST" && string.Equals(r.OperationId, id, StringComparison.OrdinalIgnoreCase));
        var fault = OnPost?.Invoke(request, number);
        if (fault is not null)
        {
            if (fault.Accept) Accept(id!);
            await FaultAsync(context, fault);
            return;
        }
        if (request.Json is not JsonObject message || message["senderAddress"] is null || message["content"]?["subject"] is null ||
            message["recipients"]?["to"] is not JsonArray { Count: > 0 })
        {
            await Error(context, 400, "InvalidRequest", "senderAddress, content.subject and recipients.to are required.");
            return;
        }
        Accept(id!);

        // The spec example's 202, for this operation.
        var example = _send202;
        context.Response.StatusCode = 202;
        context.Response.Headers["Operation-Location"] = $"{Endpoint.GetLeftPart(UriPartial.Authority)}/emails/operations/{id}?api-version={ApiVersion}";
        context.Response.Headers["retry-after"] = (string?)example["headers"]!["retry-after"];
        var answer = example["body"]!.DeepClone();
        answer["id"] = id;
        await Json(context, answer);
    }

    private async Task StatusAsync(HttpContext context, AcsRequest request, string id)
    {
        var fault = OnGet?.Invoke(request, id);
        if (fault is not null)
        {
            await FaultAsync(context, fault);
            return;
        }
        string? status;
        lock (_gate) status = _operations.GetValueOrDefault(id);
        if (status is null)
        {
            await Error(context, 404, "NotFound", $"Operation {id} not found.");
            return;
        }
        var example = Example(status switch
        {
            "Succeeded" => "GetOperationStatusReturnsSuccessTerminalStatus.json",
            "Failed" => "GetOperationStatusReturnsFailedTerminalStatus.json",
            _ => "GetOperationStatusReturnsNonTerminalStatus.json",
        })["responses"]!["200"]!;
        context.Response.StatusCode = 200;
        if (example["headers"]?["retry-after"] is { } retryAfter) context.Response.Headers["retry-after"] = (string?)retryAfter;
        var answer = example["body"]!.DeepClone();
        answer["id"] = id;
        answer["status"] = status;
        await Json(context, answer);
    }

    private void Accept(string id)
    {
        lock (_gate)
        {
            _accepted[id] = _accepted.GetValueOrDefault(id) + 1;
            _operations.TryAdd(id, InitialStatus);
        }
    }

    private static async Task FaultAsync(HttpContext context, AcsFault fault)
    {
        if (fault.Delay > TimeSpan.Zero)
        {
            try { await Task.Delay(fault.Delay, context.RequestAborted); }
            catch (OperationCanceledException) { return; } // the client gave up
        }
        if (fault.RetryAfter is not null) context.Response.Headers["retry-after"] = fault.RetryAfter;
        if (fault.ErrorCodeHeaderOnly)
        {
            context.Response.StatusCode = fault.Status;
            if (fault.ErrorCode is not null) context.Response.Headers["x-ms-error-code"] = fault.ErrorCode;
            return;
        }
        await Error(context, fault.Status, fault.ErrorCode ?? "Error" + fault.Status, fault.ErrorMessage ?? "Scripted failure.");
    }

    /// <summary>The common-types ErrorResponse, with x-ms-error-code equal to the body's code, as the spec says.</summary>
    private static Task Error(HttpContext context, int status, string code, string message)
    {
        context.Response.StatusCode = status;
        context.Response.Headers["x-ms-error-code"] = code;
        return Json(context, new JsonObject { ["error"] = new JsonObject { ["code"] = code, ["message"] = message } });
    }

    private static async Task Json(HttpContext context, JsonNode body)
    {
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body.ToJsonString());
    }

    /// <summary>Recomputes the signature from the raw request: SHA-256 of the received bytes, the raw target, the Host header.</summary>
    private bool VerifySignature(string method, string rawTarget, IHeaderDictionary headers, byte[] body)
    {
        var date = headers["x-ms-date"].FirstOrDefault();
        var contentHash = headers["x-ms-content-sha256"].FirstOrDefault();
        var host = headers.Host.FirstOrDefault();
        var match = AuthorizationPattern.Match(headers.Authorization.FirstOrDefault() ?? "");
        if (date is null || contentHash is null || host is null || !match.Success) return false;
        if (!DateTimeOffset.TryParseExact(date, "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _)) return false;
        if (contentHash != Convert.ToBase64String(SHA256.HashData(body))) return false;

        var signed = Encoding.ASCII.GetBytes($"{method}\n{rawTarget}\n{date};{host};{contentHash}");
        var expected = HMACSHA256.HashData(_key, signed);
        return CryptographicOperations.FixedTimeEquals(expected, Convert.FromBase64String(match.Groups["signature"].Value));
    }

    internal static JsonNode Example(string name) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Email", "Acs", "TestData", name)))!;

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
