using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using Reminders.Tests.Infrastructure;

namespace Reminders.Tests.ApiDescription;

/// <summary>
/// docs/openapi.json as a contract: finds the operation a request went to and checks that the response's status is
/// declared for it, that its declared headers are there, and that its body matches the declared content schema
/// (JSON Schema draft 2020-12, as OpenAPI 3.1 uses, with <c>#/components/schemas</c> resolvable).
/// </summary>
public sealed class OpenApiContract
{
    public const string DocumentPath = "/api/openapi.json";
    public static string CommittedPath => Path.Combine(RepoRoot.Path, "docs", "openapi.json");

    private static readonly Lazy<OpenApiContract> CommittedDocument = new(() => new(JsonNode.Parse(File.ReadAllText(CommittedPath))!.AsObject()));
    public static OpenApiContract Committed => CommittedDocument.Value;

    private static readonly string[] Methods = ["get", "put", "post", "delete", "patch", "head", "options"];
    private readonly Dictionary<string, JsonSchema> _schemas = new();

    public OpenApiContract(JsonObject document) => Document = document;

    public JsonObject Document { get; }

    /// <summary>Every operation as (METHOD, path template, operation).</summary>
    public IEnumerable<(string Method, string Path, JsonObject Operation)> Operations() =>
        from path in Document["paths"]!.AsObject()
        from entry in path.Value!.AsObject()
        where Methods.Contains(entry.Key)
        select (entry.Key.ToUpperInvariant(), path.Key, entry.Value!.AsObject());

    /// <summary>The operation whose path template matches <paramref name="path"/> ("{x}" matches one segment).</summary>
    public (string Method, string Path, JsonObject Operation)? Find(string method, string path)
    {
        var segments = path.Split('/');
        foreach (var operation in Operations())
        {
            if (operation.Method != method) continue;
            var template = operation.Path.Split('/');
            if (template.Length == segments.Length && template.Zip(segments).All(p => p.First.StartsWith('{') || p.First == p.Second))
                return operation;
        }
        return null;
    }

    /// <summary>Fails the test with every way <paramref name="response"/> breaks the document.</summary>
    public async Task AssertConformsAsync(HttpResponseMessage response)
    {
        var problems = await CheckAsync(response);
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    public async Task<List<string>> CheckAsync(HttpResponseMessage response)
    {
        var request = response.RequestMessage!;
        var call = $"{request.Method} {request.RequestUri!.AbsolutePath} → {(int)response.StatusCode}";
        var problems = new List<string>();
        if (Find(request.Method.Method, request.RequestUri.AbsolutePath) is not { } operation)
            return [$"{call}: no operation in the document for this method and path"];

        var responses = operation.Operation["responses"]!.AsObject();
        if (responses[((int)response.StatusCode).ToString()] is not JsonObject declared)
            return [$"{call}: status not declared for {operation.Method} {operation.Path} (declared: {string.Join(", ", responses.Select(r => r.Key))})"];
        declared = Resolve(declared);

        // TryGetValues, not Contains: Contains throws for a header of the other collection (Retry-After is a response header).
        foreach (var header in declared["headers"]?.AsObject() ?? [])
            if (!response.Headers.TryGetValues(header.Key, out _) && !response.Content.Headers.TryGetValues(header.Key, out _))
                problems.Add($"{call}: declared header {header.Key} is missing");

        var body = await response.Content.ReadAsStringAsync();
        if (request.Method == HttpMethod.Head)
        {
            if (body.Length > 0) problems.Add($"{call}: a HEAD answer sent {body.Length} characters of body");
            return problems;
        }
        if (declared["content"] is not JsonObject content)
        {
            if (body.Length > 0) problems.Add($"{call}: declares no body but sent {body.Length} characters");
            return problems;
        }
        var mediaType = response.Content.Headers.ContentType?.MediaType;
        var media = content.FirstOrDefault(c => string.Equals(c.Key.Split(';')[0].Trim(), mediaType, StringComparison.OrdinalIgnoreCase));
        if (media.Value is null)
            return [.. problems, $"{call}: content type {mediaType ?? "(none)"} not declared (declared: {string.Join(", ", content.Select(c => c.Key))})"];
        if (media.Value["schema"] is not JsonNode schema) return problems;

        // A JSON body is validated as JSON; any other (text/html) as the string it is.
        var isJson = mediaType!.EndsWith("/json", StringComparison.Ordinal) || mediaType.EndsWith("+json", StringComparison.Ordinal);
        JsonElement instance;
        try
        {
            instance = isJson ? JsonDocument.Parse(body).RootElement : JsonSerializer.SerializeToElement(body);
        }
        catch (JsonException e)
        {
            return [.. problems, $"{call}: body is not JSON: {e.Message}"];
        }
        var results = SchemaFor(schema).Evaluate(instance, new EvaluationOptions { OutputFormat = OutputFormat.List, RequireFormatValidation = true });
        if (!results.IsValid)
            problems.AddRange((results.Details ?? []).Append(results).Where(d => d.Errors is { Count: > 0 })
                .Select(d => $"{call}: body{d.InstanceLocation} breaks {d.EvaluationPath}: {string.Join("; ", d.Errors!.Values)}")
                .Append($"{call}: the body was {(body.Length > 500 ? body[..500] + "…" : body)}"));
        return problems;
    }

    /// <summary>A response given by reference (<c>#/components/responses/X</c>).</summary>
    private JsonObject Resolve(JsonObject response) =>
        response["$ref"]?.GetValue<string>() is { } reference
            ? Document["components"]!["responses"]![reference.Split('/')[^1]]!.AsObject()
            : response;

    /// <summary>The schema as a 2020-12 document whose <c>$defs</c> are the components, so its references resolve.</summary>
    private JsonSchema SchemaFor(JsonNode schema)
    {
        var text = new JsonObject
        {
            ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
            ["$defs"] = Document["components"]?["schemas"]?.DeepClone() ?? new JsonObject(),
            ["allOf"] = new JsonArray(schema.DeepClone()),
        }.ToJsonString().Replace("\"#/components/schemas/", "\"#/$defs/", StringComparison.Ordinal);
        lock (_schemas)
        {
            if (!_schemas.TryGetValue(text, out var built))
                _schemas[text] = built = JsonSchema.FromText(text, new BuildOptions { SchemaRegistry = new SchemaRegistry() });
            return built;
        }
    }
}
