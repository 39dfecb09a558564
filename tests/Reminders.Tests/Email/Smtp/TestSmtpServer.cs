using System.Buffers;
using System.Net;
using MimeKit;
using SmtpServer;
using SmtpServer.Authentication;
using SmtpServer.Mail;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace Reminders.Tests.Email.Smtp;

/// <summary>
/// A real SMTP server (the SmtpServer package) on 127.0.0.1 inside the test process. Each message it stores is parsed
/// with MimeKit and kept with its envelope; tests script its answers to senders, recipients, messages and logins.
/// </summary>
internal sealed class TestSmtpServer : IAsyncDisposable
{
    public sealed record Received(string EnvelopeFrom, IReadOnlyList<string> EnvelopeTo, MimeMessage Message);

    private readonly TrackingEndpointListener _listener = new();
    private readonly List<TaskCompletionSource<Received>> _messages = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly SmtpServer.SmtpServer _server;
    private Task _running = Task.CompletedTask;
    private int _stored;

    private TestSmtpServer(NetworkCredential? login)
    {
        var options = new SmtpServerOptionsBuilder()
            .ServerName("smtp.test")
            .Endpoint(endpoint => endpoint
                .Endpoint(new IPEndPoint(IPAddress.Loopback, 0))
                .AllowUnsecureAuthentication(true)
                .AuthenticationRequired(login is not null))
            .Build();
        var services = new SmtpServer.ComponentModel.ServiceProvider();
        services.Add(_listener);
        services.Add(new Store(this));
        services.Add(new Filter(this));
        if (login is not null) services.Add(new Authenticator(login));
        _server = new SmtpServer.SmtpServer(options, services);
    }

    /// <param name="login">When set, the server requires this login before MAIL FROM and refuses any other.</param>
    public static async Task<TestSmtpServer> StartAsync(NetworkCredential? login = null)
    {
        var server = new TestSmtpServer(login);
        server._running = server._server.StartAsync(server._stop.Token);
        server.Port = await server._listener.Port.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        return server;
    }

    public int Port { get; private set; }

    /// <summary>TCP connections the server has accepted so far.</summary>
    public int Connections => _listener.Accepted;

    public int MessagesStored => Volatile.Read(ref _stored);

    /// <summary>The reply to MAIL FROM for an address; null accepts it.</summary>
    public Func<string, SmtpResponse?> SenderRule { get; set; } = _ => null;

    /// <summary>The reply to RCPT TO for an address; null accepts it.</summary>
    public Func<string, SmtpResponse?> RecipientRule { get; set; } = _ => null;

    /// <summary>The reply at the end of DATA; only a message answered 250 is stored.</summary>
    public Func<MimeMessage, SmtpResponse> MessageRule { get; set; } = _ => SmtpResponse.Ok;

    /// <summary>How long the server keeps quiet after storing a message before it replies to the end of DATA (a late relay).</summary>
    public TimeSpan ReplyDelay { get; set; }

    /// <summary>Completes when the server has stored its <paramref name="index"/>-th message (0-based).</summary>
    public Task<Received> MessageAsync(int index = 0) =>
        Slot(index).Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

    /// <summary>Closes every open connection from the server's side.</summary>
    public void DropConnections() => _listener.CloseAll();

    private TaskCompletionSource<Received> Slot(int index)
    {
        lock (_messages)
        {
            while (_messages.Count <= index) _messages.Add(new(TaskCreationOptions.RunContinuationsAsynchronously));
            return _messages[index];
        }
    }

    private void Stored(Received received) => Slot(Interlocked.Increment(ref _stored) - 1).TrySetResult(received);

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _server.Shutdown();
        _listener.CloseAll();
        try
        {
            await _running.WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (OperationCanceledException)
        {
        }
        _stop.Dispose();
    }

    private static SmtpResponseException Refuse(SmtpResponse response) => new(response);

    private sealed class Store(TestSmtpServer server) : IMessageStore
    {
        public async Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            using var stream = new MemoryStream(buffer.ToArray());
            var message = await MimeMessage.LoadAsync(stream, cancellationToken);
            var response = server.MessageRule(message);
            if (response.ReplyCode == SmtpReplyCode.Ok)
                server.Stored(new Received(transaction.From.AsAddress(), [.. transaction.To.Select(to => to.AsAddress())], message));
            if (server.ReplyDelay > TimeSpan.Zero)
            {
                try { await Task.Delay(server.ReplyDelay, cancellationToken); }
                catch (OperationCanceledException) { }
            }
            return response;
        }
    }

    private sealed class Filter(TestSmtpServer server) : IMailboxFilter
    {
        public Task<bool> CanAcceptFromAsync(ISessionContext context, IMailbox from, int size, CancellationToken cancellationToken) =>
            server.SenderRule(from.AsAddress()) is { } refusal ? throw Refuse(refusal) : Task.FromResult(true);

        public Task<bool> CanDeliverToAsync(ISessionContext context, IMailbox to, IMailbox from, CancellationToken cancellationToken) =>
            server.RecipientRule(to.AsAddress()) is { } refusal ? throw Refuse(refusal) : Task.FromResult(true);
    }

    private sealed class Authenticator(NetworkCredential login) : IUserAuthenticator
    {
        public Task<bool> AuthenticateAsync(ISessionContext context, string user, string password, CancellationToken cancellationToken) =>
            Task.FromResult(user == login.UserName && password == login.Password);
    }
}
