using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Reminders.Http;

namespace Reminders.Server.ApiDescription;

/// <summary>
/// The 503 that <see cref="AdmissionControl"/> answers on every route but the health check when the Server is at
/// capacity, with its two retry headers. (On Azure the Functions host answers 429 itself, from host.json.)
/// </summary>
internal sealed class OverloadResponses : IOpenApiDocumentTransformer
{
    private const string Name = "Overloaded";

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.Responses ??= new Dictionary<string, IOpenApiResponse>();
        document.Components.Responses[Name] = new OpenApiResponse
        {
            Description = "At capacity: try again after retry-after-ms. Nothing was done.",
            Headers = new Dictionary<string, IOpenApiHeader>
            {
                ["Retry-After"] = new OpenApiHeader { Description = "Seconds to wait, as HTTP defines it.", Schema = new OpenApiSchema { Type = JsonSchemaType.Integer } },
                ["retry-after-ms"] = new OpenApiHeader { Description = "Milliseconds to wait, as Azure clients read it.", Schema = new OpenApiSchema { Type = JsonSchemaType.Integer } },
            },
            Content = new Dictionary<string, OpenApiMediaType>
            {
                [DescriptionConventions.ProblemJson] = new() { Schema = new OpenApiSchemaReference("ProblemDetails", document) },
            },
        };
        foreach (var (path, item) in document.Paths)
        {
            // As AdmissionControl: the health check is never refused (it has a 503 of its own, when storage is down).
            if (path.StartsWith("/api/health", StringComparison.Ordinal)) continue;
            foreach (var operation in item.Operations?.Values ?? Enumerable.Empty<OpenApiOperation>())
            {
                operation.Responses ??= new OpenApiResponses();
                operation.Responses["503"] = new OpenApiResponseReference(Name, document);
            }
        }
        return Task.CompletedTask;
    }
}
