namespace Reminders.Webhooks;

/// <summary>A clinic's receiver as the API shows it. <see cref="Secret"/> only in the answer that made it.</summary>
public sealed record WebhookView(
    string Url, bool Enabled, DateTimeOffset? DisabledAt, string? DisabledReason, string? DisabledByEvent,
    DateTimeOffset SecretCreatedAt, DateTimeOffset? PreviousSecretValidUntil, string? Secret, IReadOnlyList<string> Events)
{
    public static readonly IReadOnlyList<string> AllEvents =
    [
        WebhookEventTypes.ReminderSent, WebhookEventTypes.ReminderSkipped, WebhookEventTypes.ReminderExpired, WebhookEventTypes.ReminderFailed,
        WebhookEventTypes.ReminderDelivered, WebhookEventTypes.ReminderBounced, WebhookEventTypes.PatientOptedOut, WebhookEventTypes.PatientOptedIn,
    ];

    public static WebhookView Of(WebhookSubscriptionEntity row, DateTimeOffset now, string? secret = null) => new(
        row.Url, row.IsEnabled, row.DisabledAt, row.DisabledReason, row.DisabledByEvent, row.SecretCreatedAt,
        row.PreviousSecretUntil > now ? row.PreviousSecretUntil : null, secret, AllEvents);
}

/// <summary>Body of <c>PUT /api/webhooks</c>.</summary>
public sealed record WebhookRequest(string? Url);

/// <summary>One event and how its delivery went.</summary>
public sealed record WebhookDeliveryView(
    string Id, string Type, string State, int Attempts, DateTimeOffset CreatedAt, DateTimeOffset? LastAttemptAt,
    int? LastStatusCode, string? LastError, DateTimeOffset? NextAttemptAt, DateTimeOffset? DeliveredAt)
{
    public static WebhookDeliveryView Of(WebhookDeliveryEntity row) => new(
        row.EventId, row.EventType, row.State, row.Attempts, row.CreatedAt, row.LastAttemptAt, row.LastStatusCode, row.LastError,
        row.NextAttemptAt, row.DeliveredAt);
}

/// <summary>A page of deliveries, newest first; <see cref="Next"/> asks for the page after it.</summary>
public sealed record WebhookDeliveriesPage(IReadOnlyList<WebhookDeliveryView> Deliveries, string? Next);
