using System.Text.Json;
using System.Text.Json.Serialization;
using Azure;
using Reminders.Plan;

namespace Reminders.Dispatch;

/// <summary>
/// One message on the dispatch queue: a run's batch of due reminders, in the plan's fair order. Each item is the due
/// row as planned, ETag included, so a sender deletes it only if nobody rewrote it since.
/// </summary>
public sealed record DispatchMessage(
    [property: JsonPropertyName("v")] int Version,
    [property: JsonPropertyName("run")] string RunId,
    [property: JsonPropertyName("items")] IReadOnlyList<DispatchItem> Items)
{
    public const int CurrentVersion = 1;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Null when the text is not a dispatch message this version can read.</summary>
    public static DispatchMessage? Parse(string text)
    {
        try
        {
            var message = JsonSerializer.Deserialize<DispatchMessage>(text, Json);
            return message is { Version: CurrentVersion, Items: not null, RunId: not null } ? message : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>A due row, compactly: partition, row, clinic, patient, session, reminder id, created, ETag.</summary>
public sealed record DispatchItem(
    [property: JsonPropertyName("pk")] string PartitionKey,
    [property: JsonPropertyName("c")] string ClinicId,
    [property: JsonPropertyName("p")] string PatientId,
    [property: JsonPropertyName("s")] string SessionId,
    [property: JsonPropertyName("r")] Guid ReminderId,
    [property: JsonPropertyName("t")] DateTimeOffset CreatedAt,
    [property: JsonPropertyName("e")] string ETag)
{
    public static DispatchItem From(DueEntity due) =>
        new(due.PartitionKey, due.ClinicId, due.PatientId, due.SessionId, due.ReminderId, due.CreatedAt, due.ETag.ToString());

    public DueEntity ToDue() => new()
    {
        PartitionKey = PartitionKey, RowKey = DueEntity.RowFor(ClinicId, PatientId, SessionId),
        ClinicId = ClinicId, PatientId = PatientId, SessionId = SessionId, ReminderId = ReminderId, CreatedAt = CreatedAt,
        ETag = new ETag(ETag),
    };
}
