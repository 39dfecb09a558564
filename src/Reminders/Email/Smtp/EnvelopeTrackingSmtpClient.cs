using MailKit.Net.Smtp;
using MimeKit;

namespace Reminders.Email.Smtp;

/// <summary>
/// A MailKit client that notes whether the server has accepted <c>MAIL FROM</c> in the current send. Until it has,
/// no message data has left us, so a send that failed on a connection the server had already closed can safely be
/// made again on a new connection without risking a second email.
/// </summary>
internal sealed class EnvelopeTrackingSmtpClient : SmtpClient
{
    public bool SenderAccepted { get; private set; }

    public void BeginSend() => SenderAccepted = false;

    protected override void OnSenderAccepted(MimeMessage message, MailboxAddress mailbox, SmtpResponse response)
    {
        SenderAccepted = true;
        base.OnSenderAccepted(message, mailbox, response);
    }
}
