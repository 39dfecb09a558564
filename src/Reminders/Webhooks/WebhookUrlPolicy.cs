using System.Net;
using System.Net.Sockets;

namespace Reminders.Webhooks;

/// <summary>
/// Where the service will POST a clinic's events: https only, to a public address. Checked when the URL is set (a
/// literal address) and again for every connection (the addresses the name resolves to then), so a name that later
/// points inside the network (DNS rebinding) is refused too.
/// </summary>
public static class WebhookUrlPolicy
{
    public const int MaxLength = 2000;

    /// <summary>Null when the URL may be set; else why not.</summary>
    public static string? Check(string? url, bool allowLoopbackForTests)
    {
        if (string.IsNullOrWhiteSpace(url) || url.Length > MaxLength || !Uri.TryCreate(url, UriKind.Absolute, out var uri))
            return $"url must be an absolute https URL of at most {MaxLength} characters.";
        var loopbackTest = allowLoopbackForTests && uri.IsLoopback && uri.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6;
        if (uri.Scheme != Uri.UriSchemeHttps && !(loopbackTest && uri.Scheme == Uri.UriSchemeHttp))
            return "url must use https.";
        if (!string.IsNullOrEmpty(uri.UserInfo)) return "url must not carry a user name or password.";
        if (!string.IsNullOrEmpty(uri.Fragment)) return "url must not have a fragment.";
        if (loopbackTest) return null;
        if (uri.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6)
            return IsPublic(IPAddress.Parse(uri.IdnHost)) ? null : "url must not point at a private, loopback or link-local address.";
        if (uri.HostNameType != UriHostNameType.Dns || !uri.IdnHost.Contains('.'))
            return "url must name a public host.";
        var host = uri.IdnHost.TrimEnd('.');
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase)
            || host.EndsWith(".internal", StringComparison.OrdinalIgnoreCase) || host.EndsWith(".local", StringComparison.OrdinalIgnoreCase))
            return "url must name a public host.";
        return null;
    }

    /// <summary>
    /// False for every address a service must not be made to call: loopback, private (RFC 1918, unique local),
    /// link-local (including 169.254.169.254, the cloud metadata endpoint), carrier-grade NAT, unspecified,
    /// multicast, broadcast, documentation and benchmarking ranges, and IPv4 hidden in IPv6 forms of those.
    /// </summary>
    public static bool IsPublic(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (IPAddress.IsLoopback(address)) return false;
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = address.GetAddressBytes();
            return !(b[0] is 0 or 10 or 127 or >= 224
                || (b[0] == 100 && b[1] is >= 64 and <= 127)
                || (b[0] == 169 && b[1] == 254)
                || (b[0] == 172 && b[1] is >= 16 and <= 31)
                || (b[0] == 192 && b[1] == 168)
                || (b[0] == 192 && b[1] == 0 && b[2] is 0 or 2)
                || (b[0] == 198 && b[1] is 18 or 19)
                || (b[0] == 198 && b[1] == 51 && b[2] == 100)
                || (b[0] == 203 && b[1] == 0 && b[2] == 113));
        }
        if (address.AddressFamily != AddressFamily.InterNetworkV6) return false;
        if (address.Equals(IPAddress.IPv6None) || address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast
            || address.IsIPv6UniqueLocal || address.IsIPv6Teredo || address.IsIPv6DocumentationPrefix())
            return false;
        var bytes = address.GetAddressBytes();
        // 6to4 (2002::/16) and NAT64 (64:ff9b::/96) carry an IPv4 address: judge that one.
        if (bytes[0] == 0x20 && bytes[1] == 0x02) return IsPublic(new IPAddress(bytes.AsSpan(2, 4)));
        if (bytes[0] == 0 && bytes[1] == 0x64 && bytes[2] == 0xff && bytes[3] == 0x9b) return IsPublic(new IPAddress(bytes.AsSpan(12, 4)));
        // ::/96 (IPv4-compatible) and everything else below 2000::/3 is not global unicast.
        return (bytes[0] & 0xE0) == 0x20;
    }

    private static bool IsIPv6DocumentationPrefix(this IPAddress address)
    {
        var b = address.GetAddressBytes();
        return b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8;
    }
}
