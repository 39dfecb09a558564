using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Reminders.Server.ApiDescription;

/// <summary>
/// The document's own route. <c>MapOpenApi</c> leaves it out of the description; it is added here so that every route
/// either host serves is in the document (a test holds the route table to that).
/// </summary>
internal sealed class DocumentRouteDescription : IOpenApiDocumentTransformer
{
    private const string Tag = "API description";

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Tags ??= new HashSet<OpenApiTag>();
        document.Tags.Add(new OpenApiTag { Name = Tag });
        document.Paths[OpenApiSetup.DocumentPath] = new OpenApiPathItem
        {
            Operations = new Dictionary<HttpMethod, OpenApiOperation>
            {
                [HttpMethod.Get] = new()
                {
                    OperationId = "GetOpenApiDocument",
                    Summary = "This document, OpenAPI 3.1 (anyone).",
                    Tags = new HashSet<OpenApiTagReference> { new(Tag, document) },
                    Responses = new OpenApiResponses
                    {
                        ["200"] = new OpenApiResponse
                        {
                            Description = "The document.",
                            Content = new Dictionary<string, OpenApiMediaType>
                            {
                                [DescriptionConventions.Json] = new() { Schema = new OpenApiSchema { Type = JsonSchemaType.Object } },
                            },
                        },
                    },
                },
            },
        };
        return Task.CompletedTask;
    }
}
