using System.Net;
using Reminders.Webhooks;

namespace Reminders.Tests.Webhooks;

/// <summary>The SSRF rules on their own: which addresses the service may be made to call, and which URLs a clinic may set.</summary>
public sealed class WebhookUrlPolicyTests
{
    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.255.0.9")]
    [InlineData("10.0.0.1")]
    [InlineData("172.16.0.1")]
    [InlineData("172.31.255.255")]
    [InlineData("192.168.1.1")]
    [InlineData("169.254.169.254")] // cloud metadata
    [InlineData("100.64.0.1")]      // carrier-grade NAT
    [InlineData("0.0.0.0")]
    [InlineData("224.0.0.1")]
    [InlineData("255.255.255.255")]
    [InlineData("192.0.2.10")]
    [InlineData("198.18.0.1")]
    [InlineData("::1")]
    [InlineData("::")]
    [InlineData("fe80::1")]
    [InlineData("fd12:3456::1")]
    [InlineData("ff02::1")]
    [InlineData("::ffff:127.0.0.1")] // IPv4-mapped loopback
    [InlineData("::ffff:169.254.169.254")]
    [InlineData("2002:a9fe:a9fe::1")] // 6to4 wrapping 169.254.169.254
    [InlineData("64:ff9b::a00:1")]    // NAT64 wrapping 10.0.0.1
    [InlineData("2001:db8::1")]
    [InlineData("::127.0.0.1")]       // IPv4-compatible
    public void Private_loopback_link_local_and_special_addresses_are_not_public(string address) =>
        Assert.False(WebhookUrlPolicy.IsPublic(IPAddress.Parse(address)));

    [Theory]
    [InlineData("8.8.8.8")]
    [InlineData("20.50.1.2")]
    [InlineData("172.32.0.1")]
    [InlineData("2606:4700:4700::1111")]
    [InlineData("::ffff:8.8.8.8")]
    public void Public_addresses_are_public(string address) =>
        Assert.True(WebhookUrlPolicy.IsPublic(IPAddress.Parse(address)));

    [Theory]
    [InlineData("https://hooks.clinic.example/in", false, true)]
    [InlineData("https://hooks.clinic.example:8443/in?x=1", false, true)]
    [InlineData("http://hooks.clinic.example/in", false, false)]
    [InlineData("https://127.0.0.1/in", false, false)]
    [InlineData("https://[::1]/in", false, false)]
    [InlineData("https://0x7f000001/in", false, false)] // a numeric host the URI parser reads as 127.0.0.1
    [InlineData("https://2130706433/in", false, false)]
    [InlineData("https://localhost/in", false, false)]
    [InlineData("https://db.internal/in", false, false)]
    [InlineData("https://printer.local/in", false, false)]
    [InlineData("https://intranet/in", false, false)]
    [InlineData("https://a@hooks.clinic.example/in", false, false)]
    [InlineData("https://hooks.clinic.example/in#frag", false, false)]
    [InlineData("http://127.0.0.1:5000/hooks", true, true)] // the tests' receiver, with the explicit test setting only
    [InlineData("http://127.0.0.1:5000/hooks", false, false)]
    [InlineData("http://10.0.0.1:5000/hooks", true, false)]
    [InlineData("", false, false)]
    public void Urls_are_checked_when_set(string url, bool allowLoopbackForTests, bool allowed) =>
        Assert.Equal(allowed, WebhookUrlPolicy.Check(url, allowLoopbackForTests) is null);
}
