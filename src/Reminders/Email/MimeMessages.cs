using MimeKit;

namespace Reminders.Email;

/// <summary>Turns a rendered email into RFC 5322 MIME: multipart text + HTML with our headers.</summary>
public static class MimeMessages
{
    public static MimeMessage Create(EmailMessage email, DateTimeOffset date)
    {
        var message = new MimeMessage
        {
            MessageId = email.MessageId,
            Date = date,
            Subject = email.Subject,
        };
        message.From.Add(new MailboxAddress(email.FromName, email.From));
        message.To.Add(new MailboxAddress(email.ToName ?? "", email.To));
        if (email.ReplyTo is not null) message.ReplyTo.Add(MailboxAddress.Parse(email.ReplyTo));
        foreach (var (name, value) in email.Headers)
            message.Headers.Add(name, value);
        message.Body = new BodyBuilder { TextBody = email.TextBody, HtmlBody = email.HtmlBody }.ToMessageBody();
        return message;
    }
}
