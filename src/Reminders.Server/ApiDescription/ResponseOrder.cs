using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Reminders.Server.ApiDescription;

/// <summary>Responses in status order, so a reader (and a diff of docs/openapi.json) sees 200 before 400 whatever order they were declared in.</summary>
internal sealed class ResponseOrder : IOpenApiDocumentTransformer
{
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        foreach (var operation in document.Paths.Values.SelectMany(p => p.Operations?.Values ?? Enumerable.Empty<OpenApiOperation>()))
        {
            if (operation.Responses is not { } responses) continue;
            var sorted = new OpenApiResponses();
            foreach (var (status, response) in responses.OrderBy(r => r.Key, StringComparer.Ordinal)) sorted[status] = response;
            operation.Responses = sorted;
        }
        return Task.CompletedTask;
    }
}
