using System.IO.Pipelines;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using SmtpServer;
using SmtpServer.IO;
using SmtpServer.Net;

namespace Reminders.Tests.Email.Smtp;

/// <summary>
/// The test server's socket layer: listens on the endpoint's address with port 0 (the system picks a free port, so
/// there is no window in which another process could take it), counts the connections it accepts, and can close
/// them all from the server side.
/// </summary>
internal sealed class TrackingEndpointListener : IEndpointListenerFactory, IEndpointListener
{
    private readonly TaskCompletionSource<int> _port = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<TcpClient> _open = [];
    private TcpListener? _listener;
    private int _accepted;

    /// <summary>The port, once SmtpServer has created the listener.</summary>
    public Task<int> Port => _port.Task;

    public int Accepted => Volatile.Read(ref _accepted);

    public IEndpointListener CreateListener(IEndpointDefinition endpointDefinition)
    {
        _listener = new TcpListener(endpointDefinition.Endpoint);
        _listener.Start();
        _port.TrySetResult(((System.Net.IPEndPoint)_listener.LocalEndpoint).Port);
        return this;
    }

    public async Task<ISecurableDuplexPipe> GetPipeAsync(ISessionContext context, CancellationToken cancellationToken)
    {
        var client = await _listener!.AcceptTcpClientAsync(cancellationToken);
        Interlocked.Increment(ref _accepted);
        lock (_open) _open.Add(client);
        context.Properties[EndpointListener.LocalEndPointKey] = _listener.LocalEndpoint;
        context.Properties[EndpointListener.RemoteEndPointKey] = client.Client.RemoteEndPoint!;
        return new PlainPipe(client.GetStream(), () =>
        {
            lock (_open) _open.Remove(client);
            client.Dispose();
        });
    }

    /// <summary>The server hangs up on every open connection, as a server does when it times out idle clients.</summary>
    public void CloseAll()
    {
        TcpClient[] open;
        lock (_open) open = [.. _open];
        foreach (var client in open)
            client.Client.Close(); // the session's next read fails and it ends
    }

    public void Dispose()
    {
        _listener?.Stop();
        CloseAll();
    }

    /// <summary>SmtpServer's own pipe type is internal; the test server offers no STARTTLS, so a plain one will do.</summary>
    private sealed class PlainPipe(Stream stream, Action dispose) : ISecurableDuplexPipe
    {
        public PipeReader Input { get; } = PipeReader.Create(stream);
        public PipeWriter Output { get; } = PipeWriter.Create(stream);
        public bool IsSecure => false;
        public SslProtocols SslProtocol => SslProtocols.None;

        public Task UpgradeAsync(X509Certificate certificate, SslProtocols protocols, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException("The test SMTP server does not offer TLS.");

        public void Dispose() => dispose();
    }
}
