using MimeKit;

namespace Reminders.Email;

/// <summary>Turns a rendered email into RFC 5322 MIME: multipart text + HTML with our headers.</summary>
public static class MimeMessages
{
    /// <summary>
    /// How a message is written to a file: CRLF line endings, as RFC 5322 requires of a message (a file with bare LFs
    /// is read differently by different mail tools, and is not what an SMTP relay would carry).
    /// </summary>
    public static readonly FormatOptions FileFormat = CreateFileFormat();

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

    /// <summary>
    /// Writes <paramref name="message"/> as a self-contained, strictly well-formed file. A file has no transport to
    /// negotiate 8BITMIME with and may be replayed through any relay later, so every part is made 7-bit safe: each
    /// text part gets a Content-Transfer-Encoding (quoted-printable for accented text, which keeps it readable) and no
    /// line is longer than 998 octets. (The SMTP sender leaves this to MailKit, which prepares the message for what the
    /// server it talks to announces.)
    /// </summary>
    public static async Task WriteFileAsync(MimeMessage message, Stream file, CancellationToken ct)
    {
        message.Prepare(EncodingConstraint.SevenBit);
        await message.WriteToAsync(FileFormat, file, ct);
    }

    private static FormatOptions CreateFileFormat()
    {
        var format = FormatOptions.Default.Clone();
        format.NewLineFormat = NewLineFormat.Dos;
        return format;
    }
}
