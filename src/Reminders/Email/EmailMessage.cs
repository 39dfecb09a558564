namespace Reminders.Email;

/// <summary>One rendered email, ready for any sender. <see cref="ReminderId"/> is stable across retries of the same reminder.</summary>
public sealed record EmailMessage(
    Guid ReminderId,
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
