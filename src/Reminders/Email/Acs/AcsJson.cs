using System.Text.Json;
using System.Text.Json.Serialization;

namespace Reminders.Email.Acs;

/// <summary>Compact camelCase JSON, nulls left out, System.Text.Json's default (escaping) encoder as the ACS SDK uses.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(AcsEmailRequest))]
[JsonSerializable(typeof(AcsOperation))]
[JsonSerializable(typeof(AcsErrorResponse))]
internal sealed partial class AcsJson : JsonSerializerContext;
