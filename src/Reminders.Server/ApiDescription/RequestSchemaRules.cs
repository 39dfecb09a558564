using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Reminders.Clinics;
using Reminders.Sessions;

namespace Reminders.Server.ApiDescription;

/// <summary>
/// What the request types cannot say themselves: their properties are all nullable so that a missing field becomes a
/// 400 naming it rather than a deserialization error, but the handlers' validation requires some. Also the batch
/// item's <c>problem</c>, typed <c>object</c> so it is written with its extensions.
/// </summary>
internal sealed class RequestSchemaRules : IOpenApiSchemaTransformer
{
    private static readonly Dictionary<Type, string[]> Required = new()
    {
        [typeof(ClinicSettingsRequest)] = ["name", "timeZone", "bookingUrl"],
        [typeof(RegisterSessionRequest)] = ["patientId", "email", "injectionDate"],
        [typeof(RegisterSessionsRequest)] = ["sessions"],
    };

    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        if (context.JsonPropertyInfo is null && Required.TryGetValue(context.JsonTypeInfo.Type, out var required))
        {
            schema.Required = new HashSet<string>(required);
            foreach (var name in required)
                if (schema.Properties?[name] is OpenApiSchema property && property.Type is { } type)
                    property.Type = type & ~JsonSchemaType.Null;
        }
        if (context.JsonPropertyInfo is { Name: "injectionDate" } && context.JsonPropertyInfo.DeclaringType == typeof(RegisterSessionRequest))
            schema.Format = "date";
        if (context.JsonPropertyInfo is { Name: "problem" } && context.JsonPropertyInfo.DeclaringType == typeof(RegisterSessionsApi.ItemResult))
        {
            schema.Description = "The item's problem, when its status is 4xx: a validation problem (400) or one naming a field (409, 422).";
            schema.AnyOf =
            [
                new OpenApiSchemaReference("HttpValidationProblemDetails", context.Document),
                new OpenApiSchemaReference(nameof(FieldProblemDetails), context.Document),
                new OpenApiSchema { Type = JsonSchemaType.Null },
            ];
        }
        return Task.CompletedTask;
    }
}
