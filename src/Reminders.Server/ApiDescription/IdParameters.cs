using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Reminders.Http;

namespace Reminders.Server.ApiDescription;

/// <summary>The rule <see cref="Validation.IsValidId"/> holds ids in the path to (a breach is a 400 naming the id).</summary>
internal sealed class IdParameters : IOpenApiDocumentTransformer
{
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        var parameters = document.Paths.Values.SelectMany(p => p.Operations?.Values ?? Enumerable.Empty<OpenApiOperation>())
            .SelectMany(o => o.Parameters ?? []).OfType<OpenApiParameter>();
        foreach (var parameter in parameters.Where(p => p.In == ParameterLocation.Path && p.Name!.EndsWith("Id", StringComparison.Ordinal)))
        {
            parameter.Description = $"1-64 characters of A-Z, a-z, 0-9, '.', '_' or '-', and not '.' or '..'.";
            if (parameter.Schema is OpenApiSchema schema) schema.Pattern = "^[A-Za-z0-9._-]{1,64}$";
        }
        return Task.CompletedTask;
    }
}
