using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.OpenApi;

namespace Reminders.Server.ApiDescription;

/// <summary>
/// Component names: a nested type is named with its declaring type (<c>SendPlanApi.Page</c> → <c>SendPlanApiPage</c>),
/// because the generator's default, the bare name, would call several of them just <c>Response</c> or <c>Page</c>.
/// </summary>
internal static class SchemaNames
{
    public static string? For(JsonTypeInfo type)
    {
        var name = OpenApiOptions.CreateDefaultSchemaReferenceId(type);
        return name is not null && type.Type.IsNested ? type.Type.DeclaringType!.Name + name : name;
    }
}
