using System.Reflection;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Reminders.Plan;
using Reminders.Sessions;

namespace Reminders.Server.ApiDescription;

/// <summary>
/// A session's <c>status</c> is one of the <see cref="ReminderStatus"/> constants: a string in C#, a closed set on the
/// wire. Read from the constants themselves, so a new status cannot be missing here.
/// </summary>
internal sealed class ReminderStatusValues : IOpenApiSchemaTransformer
{
    private static readonly List<JsonNode> Values = typeof(ReminderStatus).GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.IsLiteral).Select(f => (JsonNode)JsonValue.Create((string)f.GetRawConstantValue()!)).ToList();

    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        if (context.JsonPropertyInfo is { Name: "status" } property && property.DeclaringType == typeof(SessionView))
            schema.Enum = Values.Select(v => v.DeepClone()).ToList();
        return Task.CompletedTask;
    }
}
