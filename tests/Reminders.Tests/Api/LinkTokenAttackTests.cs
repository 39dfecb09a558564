using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Reminders.Tests.Infrastructure;

namespace Reminders.Tests.Api;

/// <summary>
/// The tokens in links swapped between their places on the Server: a preview link's token as an unsubscribe token,
/// an unsubscribe token (real or the preview's sample) as a preview link, each in a browser and from a program, with
/// GET, HEAD and POST. None works, none names a clinic, none changes an opt-out.
/// </summary>
public sealed class LinkTokenAttackTests(Azurite azurite) : IAsyncLifetime
{
    private const string BrowserAccept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
    private ServerHost _host = null!;

    public async ValueTask InitializeAsync() => _host = await ServerHost.StartAsync(new TestSettings(azurite.ConnectionString), TestClock.New());

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? accept = null, string? apiKey = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (accept is not null) request.Headers.TryAddWithoutValidation("Accept", accept);
        if (apiKey is not null) request.Headers.Add("X-Api-Key", apiKey);
        if (method == HttpMethod.Post) request.Content = new FormUrlEncodedContent([new("List-Unsubscribe", "One-Click")]);
        return await _host.Client.SendAsync(request);
    }

    private async Task<List<string>> OptOutRowsAsync()
    {
        var rows = new List<string>();
        await foreach (var row in _host.Services.GetRequiredService<Reminders.Storage.ReminderTables>().OptOuts.QueryAsync<TableEntity>())
            rows.Add(row.PartitionKey + "/" + row.RowKey);
        return rows;
    }

    private static string TokenOf(string url, string name) => Regex.Match(url, $"[?&]{name}=([^&\"]*)").Groups[1].Value;

    [Fact]
    public async Task No_token_works_in_the_other_links_place()
    {
        var apiKey = await _host.CreateClinicAsync("c1");
        await _host.PostSessionOkAsync(apiKey, new { patientId = "p1", email = "ana@example.com", injectionDate = _host.DaysAgo(80) });
        Assert.Equal(1, (await _host.SweepAsync()).Count("sent"));
        var email = Assert.Single(Outbox.Messages(_host.Settings.OutboxPath));
        var unsubscribe = TokenOf(email.Headers["List-Unsubscribe"]!.Trim('<', '>'), "token");

        using var linkRequest = new HttpRequestMessage(HttpMethod.Post, "/api/clinics/c1/preview-link") { Headers = { { "X-Admin-Key", TestSettings.AdminKey } } };
        var preview = TokenOf((await (await _host.Client.SendAsync(linkRequest)).Content.ReadFromJsonAsync<JsonObject>())!["url"]!.GetValue<string>(), "link");
        var previewHtml = await (await SendAsync(HttpMethod.Get, "/api/email-preview", apiKey: apiKey)).Content.ReadAsStringAsync();
        var sample = TokenOf(WebUtility.HtmlDecode(Regex.Match(previewHtml, "href=\"([^\"]*/api/unsubscribe\\?token=[^\"]*)\"").Groups[1].Value), "token");
        Assert.All(new[] { unsubscribe, preview, sample }, t => Assert.NotEmpty(t));

        // A preview link's token is no unsubscribe token, whatever the method or the client.
        foreach (var method in new[] { HttpMethod.Get, HttpMethod.Head, HttpMethod.Post })
        {
            var browser = await SendAsync(method, "/api/unsubscribe?token=" + preview, BrowserAccept);
            Assert.Equal(HttpStatusCode.BadRequest, browser.StatusCode);
            if (method != HttpMethod.Head)
                Assert.DoesNotContain("Clínica", WebUtility.HtmlDecode(await browser.Content.ReadAsStringAsync()));
            Assert.Equal(HttpStatusCode.BadRequest, (await SendAsync(method, "/api/unsubscribe?token=" + preview)).StatusCode);
        }

        // Neither the real unsubscribe token nor the sample one opens a preview; the preview token twice is no link either.
        foreach (var link in new[] { unsubscribe, sample, preview + "&link=" + preview })
        {
            var browser = await SendAsync(HttpMethod.Get, "/api/email-preview?link=" + link, BrowserAccept);
            Assert.Equal(HttpStatusCode.Unauthorized, browser.StatusCode);
            Assert.DoesNotContain("Clínica", WebUtility.HtmlDecode(await browser.Content.ReadAsStringAsync()));
            Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(HttpMethod.Get, "/api/email-preview?link=" + link)).StatusCode);
        }

        // The sample token walks the pages and stores nothing; the real one still works afterwards.
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Post, "/api/unsubscribe?token=" + sample)).StatusCode);
        Assert.Empty(await OptOutRowsAsync());
        Assert.False((await _host.GetPatientAsync(apiKey, "p1"))!["optedOut"]!.GetValue<bool>());
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Post, "/api/unsubscribe?token=" + unsubscribe)).StatusCode);
        Assert.True((await _host.GetPatientAsync(apiKey, "p1"))!["optedOut"]!.GetValue<bool>());
    }

    [Theory]
    [InlineData("text/html;q=2", "es;q=2")]
    [InlineData(";;;,,,", "**;q=abc, -, ---es")]
    [InlineData("text/html;q=NaN, */*;q=-1", "zz-ZZ-x-private, *")]
    [InlineData("text/*", "es-419;q=0.001, en;q=0")]
    [InlineData("text/html; charset=\"utf-8", "es;q=1.0000001")]
    public async Task Odd_accept_headers_on_a_forged_link_are_a_400_never_a_500(string accept, string language)
    {
        foreach (var path in new[] { "/api/unsubscribe?token=forged", "/api/email-preview?link=forged" })
            foreach (var method in new[] { HttpMethod.Get, HttpMethod.Head, HttpMethod.Post })
            {
                if (path.Contains("preview") && method != HttpMethod.Get) continue;
                using var request = new HttpRequestMessage(method, path);
                request.Headers.TryAddWithoutValidation("Accept", accept);
                request.Headers.TryAddWithoutValidation("Accept-Language", language);
                if (method == HttpMethod.Post) request.Content = new FormUrlEncodedContent([new("List-Unsubscribe", "One-Click")]);
                var response = await _host.Client.SendAsync(request);
                Assert.True((int)response.StatusCode is 400 or 401, $"{method} {path}: {(int)response.StatusCode}");
            }
    }
}
