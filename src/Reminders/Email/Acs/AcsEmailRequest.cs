using System.Text.Json;

namespace Reminders.Email.Acs;

/// <summary>
/// The body of <c>POST /emails:send</c> (api-version 2025-09-01), restricted to what reminders use: no cc, bcc or
/// attachments. Serialized as compact camelCase JSON; the bytes from <see cref="ToUtf8Bytes"/> are the bytes sent and signed.
/// </summary>
public sealed record AcsEmailRequest(
    string SenderAddress,
    AcsEmailContent Content,
    AcsEmailRecipients Recipients,
    IReadOnlyList<AcsEmailAddress>? ReplyTo,
    IReadOnlyDictionary<string, string>? Headers,
    bool? UserEngagementTrackingDisabled)
{
    /// <summary>
    /// From a rendered reminder. Our own headers (Auto-Submitted, X-Reminder-Id...) travel as ACS custom headers;
    /// engagement tracking is always off: no tracking pixel or rewritten link in a medical reminder.
    /// The sender's display name is not sent: GA ACS has no such field, the name comes from the domain's MailFrom settings.
    /// </summary>
    public static AcsEmailRequest From(EmailMessage email)
    {
        var headers = email.Headers
            .Where(h => !string.IsNullOrWhiteSpace(h.Key) && !string.IsNullOrWhiteSpace(h.Value)) // ACS refuses empty header values
            .ToDictionary(h => h.Key, h => h.Value);
        return new AcsEmailRequest(
            email.From,
            new AcsEmailContent(email.Subject, email.TextBody, email.HtmlBody),
            new AcsEmailRecipients([new AcsEmailAddress(email.To, string.IsNullOrWhiteSpace(email.ToName) ? null : email.ToName)]),
            email.ReplyTo is null ? null : [new AcsEmailAddress(email.ReplyTo)],
            headers.Count == 0 ? null : headers,
            UserEngagementTrackingDisabled: true);
    }

    public byte[] ToUtf8Bytes() => JsonSerializer.SerializeToUtf8Bytes(this, AcsJson.Default.AcsEmailRequest);
}

public sealed record AcsEmailContent(string Subject, string? PlainText, string? Html);

public sealed record AcsEmailRecipients(IReadOnlyList<AcsEmailAddress> To);

public sealed record AcsEmailAddress(string Address, string? DisplayName = null);
