using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Reminders.Server.ApiDescription;

/// <summary>
/// A route mapped for GET and HEAD (the unsubscribe page: link scanners probe with HEAD) yields two operations with
/// one name; OpenAPI wants operation ids unique, so the HEAD one is "…Head" and says it has no body.
/// </summary>
internal sealed class HeadOperations : IOpenApiDocumentTransformer
{
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        foreach (var path in document.Paths.Values)
        {
            if (path.Operations is not { } operations || !operations.TryGetValue(HttpMethod.Head, out var head)) continue;
            if (operations.TryGetValue(HttpMethod.Get, out var get) && get.OperationId == head.OperationId)
                head.OperationId += "Head";
            head.Description = "As GET, with the same status and headers and no body; changes nothing.";
        }
        return Task.CompletedTask;
    }
}
