using System.Net.Sockets;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;

namespace Reminders.Email.Smtp;

/// <summary>
/// Turns MailKit's exceptions into send outcomes. Failing to open a session (network, TLS, login) stops the run and
/// leaves reminders pending; a server's 4xx reply defers one reminder; its 5xx reply fails one reminder.
/// Each method returns null for an exception it does not know, which the caller rethrows.
/// </summary>
internal static class SmtpFailures
{
    public static EmailSendResult? OnConnect(Exception e, string host, int port) => e switch
    {
        SslHandshakeException => Misconfigured("SmtpTlsFailed", $"TLS with {host}:{port} failed: {e.Message}"),
        // Security = StartTls, and the server does not offer STARTTLS.
        NotSupportedException => Misconfigured("SmtpTlsUnavailable", $"{host}:{port}: {e.Message}"),
        SmtpCommandException command => Misconfigured("SmtpConnectFailed", $"{host}:{port} refused the session: {Reply(command)}"),
        SocketException or IOException or SmtpProtocolException or TimeoutException or OperationCanceledException =>
            Misconfigured("SmtpConnectFailed", $"Could not connect to {host}:{port}: {e.Message}"),
        _ => null,
    };

    public static EmailSendResult? OnAuthenticate(Exception e, string host) => e switch
    {
        AuthenticationException or SaslException => Misconfigured("SmtpAuthFailed",
            $"{host} refused the login of Email:Smtp:UserName: {e.Message}"),
        // No mechanism in common; many servers only offer AUTH after STARTTLS.
        NotSupportedException => Misconfigured("SmtpAuthUnsupported",
            $"{host} offers no login this client supports (some servers only offer it over TLS): {e.Message}"),
        SmtpCommandException command => Misconfigured("SmtpAuthFailed", $"{host} refused the login: {Reply(command)}"),
        SocketException or IOException or SmtpProtocolException or TimeoutException or OperationCanceledException =>
            Misconfigured("SmtpConnectFailed", $"The connection to {host} failed during login: {e.Message}"),
        _ => null,
    };

    /// <summary>The server closed or lost the connection, or stopped answering: the message may or may not have arrived.</summary>
    public static bool IsConnectionLoss(Exception e) =>
        e is IOException or SocketException or SmtpProtocolException or TimeoutException or ServiceNotConnectedException or OperationCanceledException;

    public static EmailSendResult? OnSend(Exception e) => e switch
    {
        ServiceNotAuthenticatedException => Misconfigured("SmtpAuthRequired",
            $"The SMTP server requires a login: set Email:Smtp:UserName and Email:Smtp:Password. ({e.Message})"),
        SmtpCommandException command => FromReply(command),
        // An address that needs SMTPUTF8 when the server does not support it: this message can never go through this server.
        NotSupportedException => new EmailSendResult(EmailSendOutcome.Rejected, ErrorCode: "MessageUnsupported",
            Error: $"The SMTP server cannot take this message: {e.Message}"),
        _ when IsConnectionLoss(e) => new EmailSendResult(EmailSendOutcome.Transient, ErrorCode: "SmtpConnectionLost",
            Error: $"The connection to the SMTP server failed while sending: {e.Message}"),
        _ => null,
    };

    private static EmailSendResult FromReply(SmtpCommandException e)
    {
        var status = (int)e.StatusCode;
        if (status is >= 400 and < 500)
            return new EmailSendResult(EmailSendOutcome.Transient, ErrorCode: "SmtpTemporaryFailure",
                Error: $"The SMTP server asked to try again later: {Reply(e)}");
        if (status is < 500 or >= 600)
            return new EmailSendResult(EmailSendOutcome.Transient, ErrorCode: "SmtpUnexpectedReply",
                Error: $"The SMTP server gave an unexpected reply: {Reply(e)}");

        return e.ErrorCode switch
        {
            SmtpErrorCode.RecipientNotAccepted => Rejected("RecipientRejected", $"The SMTP server refused the recipient address: {Reply(e)}"),
            // A refused sender is our configuration (Email:SenderAddress), not this patient's address: stop, keep pending.
            SmtpErrorCode.SenderNotAccepted => Misconfigured("SenderRejected", $"The SMTP server refused the sender address (Email:SenderAddress): {Reply(e)}"),
            SmtpErrorCode.MessageNotAccepted => Rejected("MessageRejected", $"The SMTP server refused the message: {Reply(e)}"),
            _ => Rejected("SmtpRejected", $"The SMTP server refused the message: {Reply(e)}"),
        };
    }

    private static string Reply(SmtpCommandException e) => $"{(int)e.StatusCode} {e.Message}";

    private static EmailSendResult Misconfigured(string code, string error) => new(EmailSendOutcome.Misconfigured, ErrorCode: code, Error: error);

    private static EmailSendResult Rejected(string code, string error) => new(EmailSendOutcome.Rejected, ErrorCode: code, Error: error);
}
