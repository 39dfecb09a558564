namespace Reminders.Email;

/// <summary>
/// Implemented by senders whose acceptance is not final (ACS answers 202, then settles the operation).
/// The sweep asks for the final status of accepted messages within the provider's status-check quota.
/// </summary>
public interface IDeliveryStatusChecker
{
    Task<DeliveryStatus> CheckAsync(string providerMessageId, CancellationToken ct);
}

public enum DeliveryState
{
    /// <summary>Not settled yet: ask again in a later run.</summary>
    Running,
    Succeeded,
    /// <summary>The provider gave up on the message: the reminder becomes Failed, and is never re-sent automatically.</summary>
    Failed,
    /// <summary>Could not ask this time (throttled, provider down): ask again later.</summary>
    Unknown,
}

public sealed record DeliveryStatus(DeliveryState State, string? ErrorCode = null, string? Error = null);
