namespace Reminders.Email;

/// <summary>One rendered email, ready for any sender. <see cref="ReminderId"/> is stable across retries of the same reminder.</summary>
/// <param name="Attempt">1 for the first try of this reminder; more means an earlier try may or may not have reached the provider.</param>
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
    IReadOnlyDictionary<string, string> Headers);
