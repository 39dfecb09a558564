using System.Net;
using MailKit.Net.Smtp;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Reminders.Email.Smtp;

/// <summary>
/// Sends reminders through an SMTP server with MailKit, as the same MIME the outbox writes. One connected, logged-in
/// client is kept open across sends (a sweep sends many reminders in a row) and used by one send at a time.
/// SMTP cannot de-duplicate: the stable Message-ID (from the reminder id) is what lets a resend be recognised.
/// Register as a singleton.
/// </summary>
public sealed class SmtpEmailSender : IEmailSender, IAsyncDisposable, IDisposable
{
    private readonly SmtpOptions _options;
    private readonly string _host;
    private readonly TimeProvider _time;
    private readonly ILogger<SmtpEmailSender> _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private EnvelopeTrackingSmtpClient? _client;
    private bool _disposed;

    public SmtpEmailSender(IOptions<SmtpOptions> options, TimeProvider time, ILogger<SmtpEmailSender> logger, IOptions<EmailOptions>? email = null)
    {
        var failures = SmtpOptionsValidator.Check(options.Value);
        if (failures.Count > 0)
            throw new OptionsValidationException(Options.DefaultName, typeof(SmtpOptions), failures);

        _options = options.Value;
        _host = _options.Host!;
        _time = time;
        // SMTP cannot be asked whether it kept a message: an unclear send gets one retry, later, with the same Message-ID.
        Traits = new SenderTraits("Smtp", (email?.Value ?? new EmailOptions()).Limits("smtp-" + _host), CanConfirmEarlierAttempt: false, _options.UnclearRetryDelay);
        _logger = logger;
        if (_options.Security == SmtpSecurity.None && !string.IsNullOrEmpty(_options.UserName))
            _logger.LogWarning("Email:Smtp:Security is None: the SMTP password is sent to {Host} unencrypted.", _host);
    }

    public SenderTraits Traits { get; }

    public async Task<EmailSendResult> SendAsync(EmailMessage email, CancellationToken ct)
    {
        var message = MimeMessages.Create(email, _time.GetUtcNow());
        // The envelope: bounces go to our sender address; the message goes to the patient only, whatever the headers say.
        var sender = new MailboxAddress("", email.From);
        var recipients = new[] { new MailboxAddress(email.ToName ?? "", email.To) };

        await _gate.WaitAsync(ct);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            for (var attempt = 1; ; attempt++)
            {
                var reused = _client is { IsConnected: true };
                if (!reused && await ConnectAsync(ct) is { } notConnected)
                    return notConnected;

                var client = _client!;
                client.BeginSend();
                try
                {
                    var reply = await client.SendAsync(FormatOptions.Default, message, sender, recipients, ct, client.Progress);
                    _logger.LogDebug("SMTP server accepted reminder {ReminderId}: {Reply}", email.ReminderId, reply);
                    return EmailSendResult.Accepted(email.MessageId);
                }
                catch (Exception e) when (!ct.IsCancellationRequested && SmtpFailures.IsConnectionLoss(e))
                {
                    Drop();
                    if (client.DataStarted)
                    {
                        // The message went out and the reply never came: the server may have kept it. Never a blind resend.
                        _logger.LogWarning("SMTP send of reminder {ReminderId}: the connection failed after the message was sent; outcome unknown", email.ReminderId);
                        return new EmailSendResult(EmailSendOutcome.Unknown, ErrorCode: "SmtpReplyLost",
                            Error: $"The connection to the SMTP server failed after the message was sent, so whether it kept it is unknown: {e.Message}");
                    }
                    // A kept-open connection the server has since closed: nothing was handed over yet, so try once on a new one.
                    if (reused && attempt == 1 && !client.SenderAccepted)
                    {
                        _logger.LogInformation("The SMTP connection to {Host} was closed by the server ({Error}); reconnecting.", _host, e.Message);
                        continue;
                    }
                    return Log(email, SmtpFailures.OnSend(e)!);
                }
                catch (Exception e) when (!ct.IsCancellationRequested && SmtpFailures.OnSend(e) is { } failure)
                {
                    // 421: the server is closing this session.
                    if (e is SmtpCommandException { StatusCode: SmtpStatusCode.ServiceNotAvailable } || !client.IsConnected)
                        Drop();
                    return Log(email, failure);
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    Drop(); // the conversation stopped mid-command: the connection is of no further use
                    throw;
                }
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Opens and logs in a new connection; on failure returns why (Misconfigured: stop this run, reminders stay pending).</summary>
    private async Task<EmailSendResult?> ConnectAsync(CancellationToken ct)
    {
        Drop();
        var client = new EnvelopeTrackingSmtpClient { Timeout = (int)_options.Timeout.TotalMilliseconds };
        var opened = false;
        try
        {
            try
            {
                await client.ConnectAsync(_host, _options.Port, _options.Security.ToMailKit(), ct);
            }
            catch (Exception e) when (!ct.IsCancellationRequested && SmtpFailures.OnConnect(e, _host, _options.Port) is { } failure)
            {
                return LogConnect(failure);
            }

            if (!string.IsNullOrEmpty(_options.UserName))
            {
                try
                {
                    await client.AuthenticateAsync(new NetworkCredential(_options.UserName, _options.Password), ct);
                }
                catch (Exception e) when (!ct.IsCancellationRequested && SmtpFailures.OnAuthenticate(e, _host) is { } failure)
                {
                    return LogConnect(failure);
                }
            }
            opened = true;
        }
        finally
        {
            if (!opened) client.Dispose();
        }

        _client = client;
        _logger.LogInformation("Connected to SMTP server {Host}:{Port} (TLS: {Tls}, logged in: {LoggedIn}).",
            _host, _options.Port, client.IsSecure, client.IsAuthenticated);
        return null;
    }

    private EmailSendResult LogConnect(EmailSendResult failure)
    {
        _logger.LogWarning("Could not open an SMTP session with {Host}:{Port} ({ErrorCode}): {Error}",
            _host, _options.Port, failure.ErrorCode, failure.Error);
        return failure;
    }

    private EmailSendResult Log(EmailMessage email, EmailSendResult failure)
    {
        // A server's reply about a recipient often quotes the address: only configuration failures log their text.
        // The full reply is kept on the reminder, where the clinic can see it.
        if (failure.Outcome == EmailSendOutcome.Misconfigured)
            _logger.LogWarning("SMTP send of reminder {ReminderId} ended {Outcome} ({ErrorCode}): {Error}",
                email.ReminderId, failure.Outcome, failure.ErrorCode, failure.Error);
        else
            _logger.LogWarning("SMTP send of reminder {ReminderId} ended {Outcome} ({ErrorCode})", email.ReminderId, failure.Outcome, failure.ErrorCode);
        return failure;
    }

    /// <summary>Forgets the current connection without a QUIT; the next send opens a new one.</summary>
    private void Drop()
    {
        _client?.Dispose();
        _client = null;
    }

    /// <summary>Waits for a send in progress, then says QUIT and closes the connection.</summary>
    public async ValueTask DisposeAsync()
    {
        await _gate.WaitAsync();
        try
        {
            if (_disposed) return;
            _disposed = true;
            if (_client is { IsConnected: true } client)
                await client.DisconnectAsync(quit: true); // bounded by Email:Smtp:Timeout; errors are swallowed by MailKit
            Drop();
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Closes the connection without QUIT (a container disposed synchronously).</summary>
    public void Dispose()
    {
        _gate.Wait();
        try
        {
            _disposed = true;
            Drop();
        }
        finally
        {
            _gate.Release();
        }
    }
}
