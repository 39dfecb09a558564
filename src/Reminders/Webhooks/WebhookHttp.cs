using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace Reminders.Webhooks;

/// <summary>
/// The HTTP client that calls receivers. Every connection resolves the host itself and connects only to an address
/// <see cref="WebhookUrlPolicy.IsPublic"/> allows, so the check and the connection use the same address (no DNS
/// rebinding window). Redirects are not followed (one could point inside the network); no cookies, no proxy.
/// </summary>
public sealed class WebhookHttp : IDisposable
{
    public HttpClient Client { get; }

    public WebhookHttp(IOptions<WebhookOptions> options)
    {
        var allowLoopback = options.Value.AllowLoopbackForTests;
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            UseProxy = false,
            PooledConnectionLifetime = TimeSpan.FromMinutes(2), // DNS changes are seen, and re-checked
            ConnectTimeout = options.Value.Timeout,
            ConnectCallback = async (context, ct) =>
            {
                var host = context.DnsEndPoint.Host;
                var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, ct);
                var allowed = addresses.Where(a => WebhookUrlPolicy.IsPublic(a) || (allowLoopback && IPAddress.IsLoopback(a))).ToArray();
                if (allowed.Length == 0) throw new BlockedAddressException();
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    await socket.ConnectAsync(allowed, context.DnsEndPoint.Port, ct);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        Client = new HttpClient(handler) { Timeout = options.Value.Timeout };
        Client.DefaultRequestHeaders.UserAgent.ParseAdd("Reminders-Webhooks/1.0");
    }

    public void Dispose() => Client.Dispose();

    /// <summary>The receiver's name resolved only to addresses the service must not call.</summary>
    public sealed class BlockedAddressException() : IOException("The webhook host resolves only to private, loopback or link-local addresses.");
}
