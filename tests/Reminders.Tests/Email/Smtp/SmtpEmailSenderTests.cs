using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MimeKit;
using Reminders.Email;
using Reminders.Email.Smtp;
using Reminders.Tests.Infrastructure;
using SmtpServer.Protocol;

namespace Reminders.Tests.Email.Smtp;

/// <summary>The SMTP sender against a real SMTP server running in the test process (no Azurite needed).</summary>
public sealed class SmtpEmailSenderTests
{
    private static readonly NetworkCredential Login = new("reminders", "s3cret");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_server_receives_the_same_mime_the_outbox_writes()
    {
        await using var server = await TestSmtpServer.StartAsync();
        await using var sender = Sender(server.Port);
        var email = Email();

        var result = await sender.SendAsync(email, Ct);

        Assert.Equal(EmailSendOutcome.Accepted, result.Outcome);
        Assert.Equal(email.MessageId, result.ProviderMessageId);
        var received = await server.MessageAsync();
        Assert.Equal("reminders@clinic.test", received.EnvelopeFrom);
        Assert.Equal(["ana@example.com"], received.EnvelopeTo);
        var message = received.Message;
        Assert.Equal($"<{email.ReminderId}@clinic.test>", message.Headers[HeaderId.MessageId]);
        Assert.Equal(email.Subject, message.Subject);
        Assert.Equal("ana@example.com", Assert.Single(message.To.Mailboxes).Address);
        Assert.Equal("Ana", message.To.Mailboxes.Single().Name);
        Assert.Equal("reminders@clinic.test", Assert.Single(message.From.Mailboxes).Address);
        Assert.Equal("desk@c1.example.com", Assert.Single(message.ReplyTo.Mailboxes).Address);
        Assert.Equal("auto-generated", message.Headers["Auto-Submitted"]);
        Assert.Equal(email.ReminderId.ToString(), message.Headers["X-Reminder-Id"]);
        Assert.Equal(TestClock.Start, message.Date);
        var alternative = Assert.IsType<MultipartAlternative>(message.Body);
        Assert.Equal(["text/plain", "text/html"], alternative.Select(part => part.ContentType.MimeType));
        Assert.Equal(email.TextBody, message.TextBody!.ReplaceLineEndings("\n").TrimEnd());
        Assert.Equal(email.HtmlBody, message.HtmlBody!.ReplaceLineEndings("\n").TrimEnd());
    }

    [Fact]
    public async Task Accented_text_reaches_the_server_with_a_transfer_encoding_on_every_text_part()
    {
        await using var server = await TestSmtpServer.StartAsync();
        await using var sender = Sender(server.Port);
        var email = Email() with { TextBody = "Hola, Ángela: su próxima cita en la Clínica.", HtmlBody = "<p>Hola, Ángela: su próxima cita en la Clínica.</p>" };

        Assert.Equal(EmailSendOutcome.Accepted, (await sender.SendAsync(email, Ct)).Outcome);

        // MailKit prepares the message for what the server announces (8BITMIME or not), as the outbox does for a file.
        var message = (await server.MessageAsync()).Message;
        Assert.All(message.BodyParts.OfType<TextPart>(), part => Assert.True(part.Headers.Contains(HeaderId.ContentTransferEncoding), part.ContentType.MimeType));
        Assert.Contains("Ángela", message.TextBody);
    }

    [Fact]
    public async Task Sends_in_a_row_share_one_connection()
    {
        await using var server = await TestSmtpServer.StartAsync();
        await using var sender = Sender(server.Port);

        var first = await sender.SendAsync(Email(to: "ana@example.com"), Ct);
        var second = await sender.SendAsync(Email(to: "bo@example.com"), Ct);

        Assert.Equal(EmailSendOutcome.Accepted, first.Outcome);
        Assert.Equal(EmailSendOutcome.Accepted, second.Outcome);
        Assert.Equal(["bo@example.com"], (await server.MessageAsync(1)).EnvelopeTo);
        Assert.Equal(1, server.Connections);
    }

    [Fact]
    public async Task A_recipient_refused_for_good_fails_that_reminder_and_the_connection_stays_usable()
    {
        await using var server = await TestSmtpServer.StartAsync();
        server.RecipientRule = to => to == "gone@example.com"
            ? new SmtpResponse(SmtpReplyCode.MailboxUnavailable, "5.1.1 User unknown")
            : null;
        await using var sender = Sender(server.Port);

        var refused = await sender.SendAsync(Email(to: "gone@example.com"), Ct);
        var next = await sender.SendAsync(Email(to: "ana@example.com"), Ct);

        Assert.Equal(EmailSendOutcome.Rejected, refused.Outcome);
        Assert.Equal("RecipientRejected", refused.ErrorCode);
        Assert.Contains("550", refused.Error);
        Assert.Contains("5.1.1 User unknown", refused.Error);
        Assert.Equal(EmailSendOutcome.Accepted, next.Outcome);
        Assert.Equal(["ana@example.com"], (await server.MessageAsync(0)).EnvelopeTo);
        Assert.Equal(1, server.MessagesStored);
        Assert.Equal(1, server.Connections);
    }

    [Fact]
    public async Task A_temporary_refusal_leaves_the_reminder_pending()
    {
        await using var server = await TestSmtpServer.StartAsync();
        server.RecipientRule = _ => new SmtpResponse(SmtpReplyCode.Aborted, "4.3.0 Try again later");
        await using var sender = Sender(server.Port);

        var result = await sender.SendAsync(Email(), Ct);

        Assert.Equal(EmailSendOutcome.Transient, result.Outcome);
        Assert.Equal("SmtpTemporaryFailure", result.ErrorCode);
        Assert.Contains("451", result.Error);
        Assert.Equal(0, server.MessagesStored);
    }

    [Fact]
    public async Task A_refused_sender_is_misconfiguration_and_a_refused_message_fails_the_reminder()
    {
        await using var server = await TestSmtpServer.StartAsync();
        await using var sender = Sender(server.Port);

        server.SenderRule = _ => new SmtpResponse(SmtpReplyCode.MailboxNameNotAllowed, "5.7.1 Sender not allowed");
        var senderRefused = await sender.SendAsync(Email(), Ct);
        server.SenderRule = _ => null;
        server.MessageRule = _ => new SmtpResponse(SmtpReplyCode.TransactionFailed, "5.7.1 Message content rejected");
        var messageRefused = await sender.SendAsync(Email(), Ct);

        Assert.Equal(EmailSendOutcome.Misconfigured, senderRefused.Outcome);
        Assert.Equal("SenderRejected", senderRefused.ErrorCode);
        Assert.Contains("553", senderRefused.Error);
        Assert.Equal(EmailSendOutcome.Rejected, messageRefused.Outcome);
        Assert.Equal("MessageRejected", messageRefused.ErrorCode);
        Assert.Contains("Message content rejected", messageRefused.Error);
    }

    [Fact]
    public async Task With_the_right_login_the_message_goes_through()
    {
        await using var server = await TestSmtpServer.StartAsync(login: Login);
        await using var sender = Sender(server.Port, Login.UserName, Login.Password);

        var result = await sender.SendAsync(Email(), Ct);

        Assert.Equal(EmailSendOutcome.Accepted, result.Outcome);
        Assert.Equal(["ana@example.com"], (await server.MessageAsync()).EnvelopeTo);
    }

    [Fact]
    public async Task A_wrong_password_stops_sending_and_leaves_the_reminder_pending()
    {
        await using var server = await TestSmtpServer.StartAsync(login: Login);
        await using var sender = Sender(server.Port, Login.UserName, "wrong");

        var result = await sender.SendAsync(Email(), Ct);

        Assert.Equal(EmailSendOutcome.Misconfigured, result.Outcome);
        Assert.Equal("SmtpAuthFailed", result.ErrorCode);
        Assert.Equal(0, server.MessagesStored);
    }

    [Fact]
    public async Task A_server_that_requires_a_login_we_do_not_have_stops_sending()
    {
        await using var server = await TestSmtpServer.StartAsync(login: Login);
        await using var sender = Sender(server.Port);

        var result = await sender.SendAsync(Email(), Ct);

        Assert.Equal(EmailSendOutcome.Misconfigured, result.Outcome);
        Assert.Equal("SmtpAuthRequired", result.ErrorCode);
        Assert.Equal(0, server.MessagesStored);
    }

    [Fact]
    public async Task Nothing_listening_stops_sending_and_leaves_the_reminder_pending()
    {
        await using var sender = Sender(ClosedPort());

        var result = await sender.SendAsync(Email(), Ct);

        Assert.Equal(EmailSendOutcome.Misconfigured, result.Outcome);
        Assert.Equal("SmtpConnectFailed", result.ErrorCode);
        Assert.Contains("127.0.0.1", result.Error);
    }

    [Fact]
    public async Task After_the_server_drops_the_connection_the_next_send_reconnects_and_succeeds()
    {
        await using var server = await TestSmtpServer.StartAsync();
        await using var sender = Sender(server.Port);
        Assert.Equal(EmailSendOutcome.Accepted, (await sender.SendAsync(Email(to: "ana@example.com"), Ct)).Outcome);

        server.DropConnections();
        var afterDrop = await sender.SendAsync(Email(to: "bo@example.com"), Ct);

        Assert.Equal(EmailSendOutcome.Accepted, afterDrop.Outcome);
        Assert.Equal(["bo@example.com"], (await server.MessageAsync(1)).EnvelopeTo);
        Assert.Equal(2, server.MessagesStored);
        Assert.Equal(2, server.Connections);
    }

    private static SmtpEmailSender Sender(int port, string? userName = null, string? password = null) =>
        new(Options.Create(new SmtpOptions
            {
                Host = "127.0.0.1",
                Port = port,
                Security = SmtpSecurity.Auto, // no STARTTLS offered by the test server: plain text
                UserName = userName,
                Password = password,
                Timeout = TimeSpan.FromSeconds(10),
            }),
            TestClock.New(),
            NullLogger<SmtpEmailSender>.Instance);

    /// <summary>A port nothing listens on: the system hands out a free one, and we close it again.</summary>
    private static int ClosedPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>Shaped like <see cref="ReminderEmailComposer"/>'s output.</summary>
    private static EmailMessage Email(string to = "ana@example.com")
    {
        var reminderId = Guid.NewGuid();
        return new EmailMessage(
            reminderId,
            Attempt: 1,
            MessageId: $"{reminderId}@clinic.test",
            From: "reminders@clinic.test",
            FromName: "Spine & Pain Centre",
            To: to,
            ToName: "Ana",
            ReplyTo: "desk@c1.example.com",
            Subject: "Time to book your next appointment at Spine & Pain Centre",
            TextBody: "Hi Ana,\n\nNow is a good time to book your next appointment.\n\nBook now: https://book.example.com/?clinic=c1",
            HtmlBody: "<!DOCTYPE html><html><body><p>Hi Ana,</p><p><a href=\"https://book.example.com/?clinic=c1\">Book your appointment</a></p></body></html>",
            Headers: new Dictionary<string, string>
            {
                ["Auto-Submitted"] = "auto-generated",
                ["X-Reminder-Id"] = reminderId.ToString(),
            });
    }
}
