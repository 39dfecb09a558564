using MailKit;
using MailKit.Net.Smtp;
using MimeKit;

namespace Reminders.Email.Smtp;

/// <summary>
/// A MailKit client that notes how far the current send got. Until the server has accepted <c>MAIL FROM</c>, nothing
/// has left us, so a send that failed on a connection the server had already closed can be made again at once. Once
/// message data has started to flow, a dropped connection or a reply that never comes leaves the outcome unknown:
/// the server may have kept the message.
/// </summary>
internal sealed class EnvelopeTrackingSmtpClient : SmtpClient
{
    public bool SenderAccepted { get; private set; }

    /// <summary>Bytes of the message itself were written to the server (the DATA stage began).</summary>
    public bool DataStarted => _progress.Started;

    private readonly DataProgress _progress = new();

    /// <summary>Pass to <c>SendAsync</c>: MailKit reports through it as it writes the message data.</summary>
    public ITransferProgress Progress => _progress;

    public void BeginSend()
    {
        SenderAccepted = false;
        _progress.Started = false;
    }

    protected override void OnSenderAccepted(MimeMessage message, MailboxAddress mailbox, SmtpResponse response)
    {
        SenderAccepted = true;
        base.OnSenderAccepted(message, mailbox, response);
    }

    private sealed class DataProgress : ITransferProgress
    {
        public bool Started { get; set; }
        public void Report(long bytesTransferred, long totalSize) => Started = true;
        public void Report(long bytesTransferred) => Started = true;
    }
}
