using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Reminders.Webhooks;

/// <summary>
/// One event for a clinic's receiver. <see cref="Id"/> is the <c>webhook-id</c>: the same across retries and replays,
/// so receivers de-duplicate by it. It sorts newest first within a clinic (the listing's order). Never an address.
/// </summary>
public sealed record WebhookEvent(string Id, string Type, string ClinicId, DateTimeOffset At, WebhookEventData Data)
{
    public const string IdPrefix = "evt_";

    /// <summary>A fresh id for an event at <paramref name="at"/>.</summary>
    public static string NewId(DateTimeOffset at) => IdFor(at, Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)));

    /// <summary>
    /// The same id each time for the same fact (a delivery report Event Grid delivers twice): a re-delivered event
    /// is the same event, not a second one.
    /// </summary>
    public static string StableId(DateTimeOffset at, string fact) =>
        IdFor(at, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(fact)).AsSpan(0, 8)));

    /// <summary>The lowest id an event at <paramref name="at"/> can have: ids of later events sort before it.</summary>
    public static string BoundFor(DateTimeOffset at) => IdFor(at, "");

    private static string IdFor(DateTimeOffset at, string suffix) =>
        IdPrefix + (DateTimeOffset.MaxValue.UtcTicks - at.UtcTicks).ToString("D19", CultureInfo.InvariantCulture) + suffix;

    public static bool IsWellFormedId(string? id) =>
        id is { Length: 4 + 19 + 16 } && id.StartsWith(IdPrefix, StringComparison.Ordinal) && id.AsSpan(4).IndexOfAnyExcept("0123456789abcdef") < 0;

    /// <summary>The body POSTed: the Standard Webhooks shape, <c>type</c>, <c>timestamp</c> and <c>data</c>.</summary>
    public string ToPayload() => JsonSerializer.Serialize(new Payload(Type, At, Data with { ClinicId = ClinicId }), Json);

    private sealed record Payload(string Type, DateTimeOffset Timestamp, WebhookEventData Data);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static WebhookEvent Reminder(string type, string clinicId, Guid reminderId, string patientId, string sessionId,
        string status, string? reason, DateTimeOffset at, string? id = null) =>
        new(id ?? NewId(at), type, clinicId, at, new WebhookEventData
        {
            ReminderId = reminderId.ToString(), PatientId = patientId, SessionId = sessionId, Status = status, Reason = reason, At = at,
        });

    public static WebhookEvent Patient(string type, string clinicId, string patientId, DateTimeOffset at) =>
        new(NewId(at), type, clinicId, at, new WebhookEventData { PatientId = patientId, At = at });
}

/// <summary>What an event says: ids, a status, a reason code and a time. Never an email address or a name.</summary>
public sealed record WebhookEventData
{
    public string? ClinicId { get; init; }
    public string? ReminderId { get; init; }
    public string? PatientId { get; init; }
    public string? SessionId { get; init; }
    /// <summary>The reminder's status (Sent, Skipped, Expired, Failed) or delivery (Delivered, Bounced, Suppressed).</summary>
    public string? Status { get; init; }
    /// <summary>A reason code (OptedOut, Cancelled, ReliefEnded, a provider's code), never provider text.</summary>
    public string? Reason { get; init; }
    public DateTimeOffset At { get; init; }
}
