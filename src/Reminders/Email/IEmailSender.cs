namespace Reminders.Email;

/// <summary>The one place that knows how email leaves the service.</summary>
public interface IEmailSender
{
    /// <summary>Hands the message over. Sending the same <see cref="EmailMessage.ReminderId"/> again must not make a second email where the provider allows it.</summary>
    Task<EmailSendResult> SendAsync(EmailMessage message, CancellationToken ct);
}

public enum EmailSendOutcome
{
    /// <summary>The provider took the message: the reminder is Sent.</summary>
    Accepted,
    /// <summary>Try again later (throttled, provider down): the reminder stays pending.</summary>
    Transient,
    /// <summary>The provider refused this message for good: the reminder is Failed.</summary>
    Rejected,
    /// <summary>The provider refuses us (credentials, configuration): stop sending this run.</summary>
    Misconfigured,
}

/// <param name="AwaitsFinalStatus">The provider accepted the message but settles it later (ACS): the sweep asks again through <see cref="IDeliveryStatusChecker"/>.</param>
public sealed record EmailSendResult(EmailSendOutcome Outcome, string? ProviderMessageId = null, string? ErrorCode = null, string? Error = null, bool AwaitsFinalStatus = false)
{
    public static EmailSendResult Accepted(string providerMessageId) => new(EmailSendOutcome.Accepted, providerMessageId);
}
