using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Reminders.Http;

namespace Reminders.Server.ApiDescription;

/// <summary>
/// The 429 of <see cref="RequestRateLimits"/>, with its two retry headers, as one shared response: on every operation
/// a clinic key may call (the clinic's limit) and every anonymous one but liveness (the per-address limit).
/// Admin-only operations are not limited.
/// </summary>
internal sealed class RateLimitResponses : IOpenApiDocumentTransformer
{
    private const string Name = "RateLimited";

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.Responses ??= new Dictionary<string, IOpenApiResponse>();
        document.Components.Responses[Name] = new OpenApiResponse
        {
            Description = "Past the clinic's rate limit, or this address's on an anonymous endpoint: try again after Retry-After. Nothing was done.",
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
            if (path == "/api/health/live") continue; // free to answer, and what the platform restarts on
            foreach (var operation in item.Operations?.Values ?? Enumerable.Empty<OpenApiOperation>())
            {
                var anonymous = operation.Security is not { Count: > 0 };
                var clinicKey = operation.Security?.Any(r => r.Keys.Any(s => s.Reference?.Id == OpenApiSetup.ClinicKeyScheme)) ?? false;
                if (!anonymous && !clinicKey) continue;
                operation.Responses ??= new OpenApiResponses();
                operation.Responses["429"] = new OpenApiResponseReference(Name, document);
            }
        }
        return Task.CompletedTask;
    }
}
