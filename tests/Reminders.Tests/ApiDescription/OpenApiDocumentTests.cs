using System.Reflection;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Reminders.Http;
using Reminders.Tests.Infrastructure;

namespace Reminders.Tests.ApiDescription;

/// <summary>
/// docs/openapi.json is what the Server generates from its route table, both hosts serve it, and it holds every route.
/// Set UPDATE_OPENAPI=1 to rewrite the file from the Server (then rebuild, so the Functions app embeds the new one).
/// </summary>
public sealed class OpenApiDocumentTests(Azurite azurite)
{
    [Fact]
    public async Task The_committed_document_is_the_one_the_Server_generates()
    {
        await using var server = await ServerHost.StartAsync(new TestSettings(azurite.ConnectionString), TestClock.New());
        var served = await server.Client.GetAsync(OpenApiContract.DocumentPath);
        Assert.Equal(System.Net.HttpStatusCode.OK, served.StatusCode);
        var generated = Normalize(await served.Content.ReadAsStringAsync());

        if (Environment.GetEnvironmentVariable("UPDATE_OPENAPI") == "1")
            await File.WriteAllTextAsync(OpenApiContract.CommittedPath, generated);
        var committed = File.Exists(OpenApiContract.CommittedPath) ? Normalize(await File.ReadAllTextAsync(OpenApiContract.CommittedPath)) : "";

        Assert.True(committed == generated,
            $"docs/openapi.json differs from the document the Server generates ({FirstDifference(committed, generated)}). If the change is meant, regenerate it: " +
            "UPDATE_OPENAPI=1 dotnet test tests/Reminders.Tests -c Release --filter \"FullyQualifiedName~The_committed_document_is_the_one\", then rebuild (the Functions app embeds it) and commit docs/openapi.json.");
    }

    [Fact]
    public async Task The_Functions_app_serves_the_committed_document()
    {
        await using var functions = await FunctionsHost.StartAsync(new TestSettings(azurite.ConnectionString), TestClock.New());

        var served = await functions.Client.GetAsync(OpenApiContract.DocumentPath);

        Assert.Equal(System.Net.HttpStatusCode.OK, served.StatusCode);
        Assert.Equal("application/json", served.Content.Headers.ContentType?.MediaType);
        Assert.True(Normalize(await File.ReadAllTextAsync(OpenApiContract.CommittedPath)) == Normalize(await served.Content.ReadAsStringAsync()),
            "The Functions app serves an older docs/openapi.json than the one in the repository: rebuild (it is embedded at build).");
    }

    /// <summary>The dashboard's static files (and the Server's root, which leads to them): pages, not API.</summary>
    private static readonly string[] NotApi = ["GET /", "GET /api/dashboard/{file?}"];

    [Fact]
    public async Task Every_route_of_the_route_table_is_in_the_document_and_nothing_else()
    {
        await using var server = await ServerHost.StartAsync(new TestSettings(azurite.ConnectionString), TestClock.New());
        var routes = server.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .SelectMany(e => e.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods.Select(m => $"{m} /{e.RoutePattern.RawText!.TrimStart('/')}"))
            .Except(NotApi)
            .Order();

        Assert.Equal(routes, OpenApiContract.Committed.Operations().Select(o => $"{o.Method} {o.Path}").Order());
    }

    [Fact]
    public void Operations_are_named_as_the_Functions_app_names_its_functions()
    {
        // One function may serve GET and HEAD; the document names the HEAD operation "…Head" (operation ids are unique).
        var functions = FunctionsHost.HttpFunctions().SelectMany(f => f.Trigger.Methods!.Select(m => (
            Name: f.Method.GetCustomAttribute<Microsoft.Azure.Functions.Worker.FunctionAttribute>()!.Name + (m == "head" && f.Trigger.Methods!.Length > 1 ? "Head" : ""),
            Route: $"{m.ToUpperInvariant()} /api/{f.Trigger.Route}"))).Where(f => !NotApi.Contains(f.Route));

        Assert.Equal(functions.Select(f => $"{f.Name}: {f.Route}").Order(),
            OpenApiContract.Committed.Operations().Select(o => $"{o.Operation["operationId"]}: {o.Method} {o.Path}").Order());
    }

    [Fact]
    public void The_document_is_OpenAPI_3_1_with_the_two_key_headers_the_code_reads()
    {
        var document = OpenApiContract.Committed.Document;
        Assert.StartsWith("3.1.", document["openapi"]!.GetValue<string>());
        var schemes = document["components"]!["securitySchemes"]!;
        Assert.Equal(ApiAuthentication.AdminKeyHeader, schemes["AdminKey"]!["name"]!.GetValue<string>());
        Assert.Equal(ApiAuthentication.ClinicKeyHeader, schemes["ClinicKey"]!["name"]!.GetValue<string>());
        Assert.All(new[] { schemes["AdminKey"]!, schemes["ClinicKey"]! }, s => Assert.Equal("header", s["in"]!.GetValue<string>()));

        // An operation that needs a key says so, and declares the 401 it gets without one.
        foreach (var (method, path, operation) in OpenApiContract.Committed.Operations())
        {
            if (operation["security"] is not JsonArray security) continue;
            Assert.True(operation["responses"]!["401"] is not null, $"{method} {path} needs a key but declares no 401");
            Assert.All(security, s => Assert.True(s!.AsObject().Single().Key is "AdminKey" or "ClinicKey"));
        }
    }

    [Fact]
    public void The_committed_document_reads_as_OpenAPI_3_1_without_errors_or_warnings()
    {
        var (document, diagnostic) = Microsoft.OpenApi.OpenApiDocument.Parse(File.ReadAllText(OpenApiContract.CommittedPath), "json");

        Assert.Equal(Microsoft.OpenApi.OpenApiSpecVersion.OpenApi3_1, diagnostic!.SpecificationVersion);
        Assert.Empty(diagnostic.Errors.Select(e => e.ToString()));
        Assert.Empty(diagnostic.Warnings.Select(e => e.ToString()));
        Assert.Empty(Microsoft.OpenApi.OpenApiElementExtensions.Validate(document!, Microsoft.OpenApi.ValidationRuleSet.GetDefaultRuleSet()).Select(e => e.ToString()));
    }

    private static string Normalize(string text) => text.Replace("\r\n", "\n").TrimEnd() + "\n";

    private static string FirstDifference(string committed, string generated)
    {
        var a = committed.Split('\n');
        var b = generated.Split('\n');
        for (var i = 0; i < Math.Max(a.Length, b.Length); i++)
            if (i >= a.Length || i >= b.Length || a[i] != b[i])
                return $"first at line {i + 1}: committed '{(i < a.Length ? a[i].Trim() : "<end>")}', generated '{(i < b.Length ? b[i].Trim() : "<end>")}'";
        return "same lines";
    }
}
