namespace Reminders.Email;

/// <summary>The one place that knows how email leaves the service.</summary>
public interface IEmailSender
{
    /// <summary>What the dispatcher must know about this provider: its name in the ledger, its quota, how it treats unclear outcomes.</summary>
    SenderTraits Traits { get; }

    /// <summary>Hands the message over. Sending the same <see cref="EmailMessage.ReminderId"/> again must not make a second email where the provider allows it.</summary>
    Task<EmailSendResult> SendAsync(EmailMessage message, CancellationToken ct);
}

/// <param name="Provider">The name the send ledger records: Outbox, Smtp or Acs.</param>
/// <param name="Limits">The provider's quota, shared by every instance of the service.</param>
/// <param name="CanConfirmEarlierAttempt">
/// After an unclear attempt the provider can be asked whether it took the message (ACS: the operation's status;
/// the outbox: its file). Otherwise (SMTP) an unclear attempt is retried at most once, after <paramref name="UnclearRetryDelay"/>.
/// </param>
public sealed record SenderTraits(string Provider, SendLimits Limits, bool CanConfirmEarlierAttempt, TimeSpan UnclearRetryDelay = default);

/// <summary>Sends allowed per sliding minute and per sliding hour; 0 means no limit.</summary>
/// <param name="Resource">What the quota belongs to (an ACS resource, an SMTP host): instances sending through the same resource share it.</param>
public sealed record SendLimits(string Resource, int PerMinute, int PerHour)
{
    public bool Unlimited => PerMinute <= 0 && PerHour <= 0;
}

public enum EmailSendOutcome
{
    /// <summary>The provider took the message: the reminder is Sent.</summary>
    Accepted,
    /// <summary>Certainly not handed over; try again later (throttled, provider down before the message left): the reminder stays pending.</summary>
    Transient,
    /// <summary>The provider refused this message for good: the reminder is Failed.</summary>
    Rejected,
    /// <summary>The provider refuses us (credentials, configuration): stop sending this run; nothing was handed over.</summary>
    Misconfigured,
    /// <summary>
    /// Nobody knows whether the provider took it (a timeout or a dropped connection after the message was sent).
    /// Never a blind resend: the next attempt asks the provider first, or (SMTP) the reminder is retried once, later.
    /// </summary>
    Unknown,
}

/// <param name="AwaitsFinalStatus">The provider accepted the message but settles it later (ACS): the sweep asks again through <see cref="IDeliveryStatusChecker"/>.</param>
public sealed record EmailSendResult(EmailSendOutcome Outcome, string? ProviderMessageId = null, string? ErrorCode = null, string? Error = null, bool AwaitsFinalStatus = false)
{
    public static EmailSendResult Accepted(string providerMessageId) => new(EmailSendOutcome.Accepted, providerMessageId);
}
