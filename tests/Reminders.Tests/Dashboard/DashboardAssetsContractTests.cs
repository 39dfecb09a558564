using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Time.Testing;
using Reminders.Tests.Infrastructure;

namespace Reminders.Tests.Dashboard;

/// <summary>
/// The dashboard's files on both hosts at /api/dashboard/ (the Server's root leads there): the same
/// bytes, with a strict Content-Security-Policy, nosniff and no Referer, and nothing inline a policy would have to allow.
/// </summary>
public abstract class DashboardAssetsContractTests(Azurite azurite) : HostedApiTests(azurite)
{
    protected abstract string DashboardPath { get; }

    [Theory]
    [InlineData("", "text/html")]
    [InlineData("dashboard.css", "text/css")]
    [InlineData("dashboard.js", "text/javascript")]
    public async Task Each_file_is_served_with_strict_headers(string file, string mediaType)
    {
        var response = await Host.Client.GetAsync(DashboardPath + file);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(mediaType, response.Content.Headers.ContentType?.MediaType);
        var csp = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("script-src 'self'", csp);
        Assert.Contains("default-src 'none'", csp);
        Assert.Contains("frame-ancestors 'none'", csp);
        Assert.DoesNotContain("unsafe", csp);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
    }

    [Fact]
    public async Task The_page_has_no_inline_script_or_style_and_an_unknown_file_is_404()
    {
        var html = await Host.Client.GetStringAsync(DashboardPath);

        Assert.All(Regex.Matches(html, "<script[^>]*>"), m => Assert.Matches("src=\"dashboard.js\"", m.Value));
        Assert.DoesNotMatch(@"\son[a-z]+\s*=", html); // no inline event handlers
        Assert.DoesNotContain("<style", html);
        Assert.DoesNotContain(" style=", html);
        Assert.Equal(HttpStatusCode.NotFound, (await Host.Client.GetAsync(DashboardPath + "secrets.json")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Host.Client.GetAsync(DashboardPath + "..%2Fappsettings.json")).StatusCode);
    }

    [Fact]
    public async Task The_script_writes_text_never_html_and_keeps_the_key_out_of_urls()
    {
        var js = await Host.Client.GetStringAsync(DashboardPath + "dashboard.js");

        Assert.DoesNotContain("innerHTML", js);
        Assert.DoesNotContain("insertAdjacentHTML", js);
        Assert.DoesNotContain("localStorage", js); // the key lives in sessionStorage: gone when the tab closes
        Assert.Contains("\"X-Api-Key\"", js);
    }
}

public sealed class ServerDashboardAssetsContractTests(Azurite azurite) : DashboardAssetsContractTests(azurite)
{
    protected override string DashboardPath => "/api/dashboard/";
    protected override async Task<IApiHost> StartAsync(TestSettings settings, FakeTimeProvider time) => await ServerHost.StartAsync(settings, time);

    [Fact]
    public async Task The_root_and_the_bare_path_lead_to_the_dashboard()
    {
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = Host.Client.BaseAddress };

        Assert.Equal("/api/dashboard/", (await client.GetAsync("/")).Headers.Location?.OriginalString);
        Assert.Equal("/api/dashboard/", (await client.GetAsync("/api/dashboard")).Headers.Location?.OriginalString);
    }
}

public sealed class FunctionsDashboardAssetsContractTests(Azurite azurite) : DashboardAssetsContractTests(azurite)
{
    protected override string DashboardPath => "/api/dashboard/";
    protected override async Task<IApiHost> StartAsync(TestSettings settings, FakeTimeProvider time) => await FunctionsHost.StartAsync(settings, time);
}
