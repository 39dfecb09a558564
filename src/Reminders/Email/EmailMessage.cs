namespace Reminders.Email;

/// <summary>One rendered email, ready for any sender. <see cref="ReminderId"/> is stable across retries of the same reminder.</summary>
/// <param name="Attempt">The send ledger's attempt number for this reminder (1 for the first).</param>
/// <param name="PreviousAttemptUnclear">
/// The ledger says an earlier attempt may have reached the provider: a provider that can be asked (ACS) must ask
/// before sending again.
/// </param>
public sealed record EmailMessage(
    Guid ReminderId,
    int Attempt,
    string MessageId,
    string From,
    string FromName,
    string To,
    string? ToName,
    string? ReplyTo,
    string Subject,
    string TextBody,
    string HtmlBody,
    IReadOnlyDictionary<string, string> Headers,
    bool PreviousAttemptUnclear = false);
