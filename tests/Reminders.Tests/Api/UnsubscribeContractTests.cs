using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Reminders.Tests.Infrastructure;

namespace Reminders.Tests.Api;

/// <summary>RFC 8058 one-click unsubscribe end to end over HTTP, on both hosts.</summary>
public abstract class UnsubscribeContractTests(Azurite azurite) : HostedApiTests(azurite)
{
    /// <summary>Registers a due session, sweeps, and returns the unsubscribe URL's path and query from the email that went out.</summary>
    private async Task<(string ApiKey, string Link)> SentReminderAsync(string patientId = "p1", string email = "ana@example.com", string sessionId = "s1")
    {
        var apiKey = await Host.CreateClinicAsync("c1");
        await Host.PostSessionOkAsync(apiKey, new { patientId, email, injectionDate = Host.DaysAgo(80), sessionId });
        Assert.Equal(1, (await Host.SweepAsync()).Count("sent"));
        var message = Assert.Single(Outbox.Messages(Host.Settings.OutboxPath));
        Assert.Equal("List-Unsubscribe=One-Click", message.Headers["List-Unsubscribe-Post"]);
        var header = message.Headers["List-Unsubscribe"]!.Trim('<', '>');
        Assert.StartsWith(Host.Settings.PublicBaseUrl + "/api/unsubscribe?token=", header);
        Assert.Contains(header, message.HtmlBody!.Replace("&amp;", "&"));
        return (apiKey, new Uri(header).PathAndQuery);
    }

    private async Task<HttpResponseMessage> OneClickAsync(string link, string field = "List-Unsubscribe", string value = "One-Click") =>
        await Host.Client.PostAsync(link, new FormUrlEncodedContent([new(field, value)]));

    [Fact]
    public async Task Get_shows_a_confirmation_page_and_changes_nothing()
    {
        var (apiKey, link) = await SentReminderAsync();

        var page = await Host.Client.GetAsync(link);

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("Stop reminder emails from Clínica Lumbar c1?", WebUtility.HtmlDecode(html));
        Assert.Contains("method=\"post\"", html);
        Assert.False((await Host.GetPatientAsync(apiKey, "p1"))!["optedOut"]!.GetValue<bool>());
    }

    [Fact]
    public async Task A_one_click_post_opts_out_and_the_next_sweep_skips_the_patient()
    {
        var (apiKey, link) = await SentReminderAsync();

        var response = await OneClickAsync(link);
        var again = await OneClickAsync(link); // idempotent

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Contains("You are unsubscribed", await again.Content.ReadAsStringAsync());
        Assert.True((await Host.GetPatientAsync(apiKey, "p1"))!["optedOut"]!.GetValue<bool>());

        // A new session for the same patient does not re-subscribe them; its reminder is skipped.
        await Host.PostSessionOkAsync(apiKey, new { patientId = "p1", email = "ana@example.com", injectionDate = Host.DaysAgo(79), sessionId = "s2" });
        var sweep = await Host.SweepAsync();
        Assert.Equal(0, sweep.Count("sent"));
        Assert.Equal(1, sweep.Count("skipped"));
        var patient = (await Host.GetPatientAsync(apiKey, "p1"))!;
        Assert.Equal("Skipped", patient.Status("s2"));
        Assert.Equal("OptedOut", patient["sessions"]!.AsArray().Single(s => s!["sessionId"]!.GetValue<string>() == "s2")!["reason"]!.GetValue<string>());
        Assert.Single(Outbox.Files(Host.Settings.OutboxPath));
    }

    [Fact]
    public async Task The_opt_out_follows_the_address_to_another_patient_id_in_the_same_clinic_only()
    {
        var (apiKey, link) = await SentReminderAsync(email: "Ana@Example.com");
        await OneClickAsync(link);

        await Host.PostSessionOkAsync(apiKey, new { patientId = "p1-duplicate", email = " ana@example.COM ".Trim(), injectionDate = Host.DaysAgo(80) });
        var otherClinic = await Host.CreateClinicAsync("c2");
        await Host.PostSessionOkAsync(otherClinic, new { patientId = "p1", email = "ana@example.com", injectionDate = Host.DaysAgo(80) });
        var sweep = await Host.SweepAsync();

        Assert.True((await Host.GetPatientAsync(apiKey, "p1-duplicate"))!["optedOut"]!.GetValue<bool>());
        Assert.Equal(1, sweep.Count("skipped"));
        Assert.Equal(1, sweep.Count("sent")); // clinic c2 still reminds its patient
        Assert.False((await Host.GetPatientAsync(otherClinic, "p1"))!["optedOut"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Changed_your_mind_opts_back_in_with_the_same_token()
    {
        var (apiKey, link) = await SentReminderAsync();
        await OneClickAsync(link);

        var page = await OneClickAsync(link, "action", "resubscribe");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("You will get reminders again", await page.Content.ReadAsStringAsync());
        Assert.False((await Host.GetPatientAsync(apiKey, "p1"))!["optedOut"]!.GetValue<bool>());
    }

    [Theory]
    [InlineData("")]
    [InlineData("garbage")]
    [InlineData("bm90IGEgdG9rZW4.c2lnbmF0dXJl")]
    public async Task A_forged_or_missing_token_is_400_and_changes_nothing(string token)
    {
        var (apiKey, _) = await SentReminderAsync();

        var post = await OneClickAsync("/api/unsubscribe?token=" + token);
        var get = await Host.Client.GetAsync("/api/unsubscribe?token=" + token);

        Assert.Equal(HttpStatusCode.BadRequest, post.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, get.StatusCode);
        Assert.Contains("token", (await post.ProblemAsync())["errors"]!.AsObject().Select(e => e.Key));
        Assert.False((await Host.GetPatientAsync(apiKey, "p1"))!["optedOut"]!.GetValue<bool>());
    }

    [Fact]
    public async Task An_altered_token_is_400_for_a_browser_too_and_changes_nothing()
    {
        var (apiKey, link) = await SentReminderAsync();
        var token = link[(link.IndexOf("token=", StringComparison.Ordinal) + 6)..];
        // Flip one character of the signed payload: same shape, wrong signature.
        var altered = (token[0] == 'A' ? 'B' : 'A') + token[1..];
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/unsubscribe?token=" + altered)
        {
            Content = new FormUrlEncodedContent([new("List-Unsubscribe", "One-Click")]),
        };
        request.Headers.Accept.ParseAdd("text/html");

        var response = await Host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("This link does not work", await response.Content.ReadAsStringAsync());
        Assert.False((await Host.GetPatientAsync(apiKey, "p1"))!["optedOut"]!.GetValue<bool>());
    }

    private const string BrowserAccept = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8";

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? accept = null, string? language = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (accept is not null) request.Headers.TryAddWithoutValidation("Accept", accept);
        if (language is not null) request.Headers.TryAddWithoutValidation("Accept-Language", language);
        return await Host.Client.SendAsync(request);
    }

    [Fact]
    public async Task Head_answers_like_get_without_a_body_and_changes_nothing()
    {
        var (apiKey, link) = await SentReminderAsync();

        foreach (var path in new[] { link, "/api/unsubscribe?token=forged", "/api/unsubscribe" })
        {
            var get = await SendAsync(HttpMethod.Get, path, BrowserAccept);
            var head = await SendAsync(HttpMethod.Head, path, BrowserAccept);

            Assert.Equal(get.StatusCode, head.StatusCode);
            Assert.Equal(get.Content.Headers.ContentType?.ToString(), head.Content.Headers.ContentType?.ToString());
            Assert.Equal((await get.Content.ReadAsByteArrayAsync()).Length, head.Content.Headers.ContentLength);
            Assert.Empty(await head.Content.ReadAsByteArrayAsync());
        }
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Head, link)).StatusCode);
        Assert.False((await Host.GetPatientAsync(apiKey, "p1"))!["optedOut"]!.GetValue<bool>());
        Assert.Empty(await OptOutRowsAsync());
    }

    [Theory]
    [InlineData("")]
    [InlineData("garbage")]
    [InlineData("bm90IGEgdG9rZW4.c2lnbmF0dXJl")]
    public async Task A_broken_link_in_a_browser_gets_a_clinic_neutral_page_and_a_program_gets_problem_json(string token)
    {
        var (_, link) = await SentReminderAsync();
        var path = token == "" ? "/api/unsubscribe" : "/api/unsubscribe?token=" + token;

        foreach (var method in new[] { HttpMethod.Get, HttpMethod.Post })
        {
            var browser = await SendAsync(method, path, BrowserAccept);
            Assert.Equal(HttpStatusCode.BadRequest, browser.StatusCode);
            Assert.Equal("text/html", browser.Content.Headers.ContentType?.MediaType);
            var html = WebUtility.HtmlDecode(await browser.Content.ReadAsStringAsync());
            Assert.Contains("This link does not work", html);
            Assert.DoesNotContain("Clínica", html);

            var spanish = await SendAsync(method, path, BrowserAccept, "es-ES,es;q=0.9,en;q=0.8");
            Assert.Contains("Este enlace no funciona", WebUtility.HtmlDecode(await spanish.Content.ReadAsStringAsync()));

            foreach (var accept in new[] { "application/json", "application/problem+json", "*/*", "text/html, application/json", "text/html;q=0.5, application/*" })
            {
                var program = await SendAsync(method, path, accept);
                Assert.Equal(HttpStatusCode.BadRequest, program.StatusCode);
                Assert.NotNull((await program.ProblemAsync())["errors"]!["token"]);
            }
        }
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Get, link, BrowserAccept)).StatusCode);
    }

    private async Task<List<string>> OptOutRowsAsync()
    {
        var table = Host.Services.GetRequiredService<Reminders.Storage.ReminderTables>().OptOuts;
        var rows = new List<string>();
        await foreach (var row in table.QueryAsync<TableEntity>()) rows.Add(row.PartitionKey + "/" + row.RowKey);
        return rows;
    }

    private async Task<JsonObject> PreviewLinkAsync(string clinicId, string? adminKey = TestSettings.AdminKey, string? apiKey = null, string query = "", HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/clinics/{clinicId}/preview-link{query}");
        if (adminKey is not null) request.Headers.Add("X-Admin-Key", adminKey);
        if (apiKey is not null) request.Headers.Add("X-Api-Key", apiKey);
        var response = await Host.Client.SendAsync(request);
        Assert.Equal(expected, response.StatusCode);
        return expected == HttpStatusCode.OK ? (await response.Content.ReadFromJsonAsync<JsonObject>())! : await response.ProblemAsync();
    }

    [Fact]
    public async Task A_preview_link_opens_the_email_preview_in_a_browser_without_a_key()
    {
        var apiKey = await Host.CreateClinicAsync("c1");
        var otherKey = await Host.CreateClinicAsync("c2");

        var link = await PreviewLinkAsync("c1", query: "?locale=es");
        var url = link["url"]!.GetValue<string>();
        Assert.StartsWith(Host.Settings.PublicBaseUrl + "/api/email-preview?link=", url);
        Assert.EndsWith("&locale=es", url);
        Assert.Equal(Host.Time.GetUtcNow().AddMinutes(15).ToUnixTimeSeconds(), link["expiresAt"]!.GetValue<DateTimeOffset>().ToUnixTimeSeconds());

        var page = await SendAsync(HttpMethod.Get, new Uri(url).PathAndQuery, BrowserAccept);

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        var html = WebUtility.HtmlDecode(await page.Content.ReadAsStringAsync());
        Assert.Contains("lang=\"es\"", html);
        Assert.Contains("Clínica Lumbar c1", html);
        Assert.Equal("no-store", page.Headers.CacheControl?.ToString());
        Assert.Equal("no-referrer", page.Headers.GetValues("Referrer-Policy").Single());

        // The clinic may ask for its own link; another clinic's key, no key, or a bad locale may not.
        await PreviewLinkAsync("c1", adminKey: null, apiKey: apiKey);
        await PreviewLinkAsync("c1", adminKey: null, apiKey: otherKey, expected: HttpStatusCode.NotFound);
        await PreviewLinkAsync("c1", adminKey: null, expected: HttpStatusCode.Unauthorized);
        await PreviewLinkAsync("nobody", expected: HttpStatusCode.NotFound);
        Assert.NotNull((await PreviewLinkAsync("c1", query: "?locale=xx-NOPE-1", expected: HttpStatusCode.BadRequest))["errors"]!["locale"]);
    }

    [Fact]
    public async Task A_preview_link_stops_working_after_15_minutes_and_cannot_be_altered()
    {
        await Host.CreateClinicAsync("c1");
        var path = new Uri((await PreviewLinkAsync("c1"))["url"]!.GetValue<string>()).PathAndQuery;
        var token = path[(path.IndexOf("link=", StringComparison.Ordinal) + 5)..];
        var altered = "/api/email-preview?link=" + (token[0] == 'A' ? 'B' : 'A') + token[1..];

        Host.Time.Advance(TimeSpan.FromMinutes(14));
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Get, path)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(HttpMethod.Get, altered)).StatusCode);
        Host.Time.Advance(TimeSpan.FromMinutes(1));

        var program = await SendAsync(HttpMethod.Get, path);
        var browser = await SendAsync(HttpMethod.Get, path, BrowserAccept);

        Assert.Equal(HttpStatusCode.Unauthorized, program.StatusCode);
        Assert.Contains("preview-link", (await program.ProblemAsync())["detail"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Unauthorized, browser.StatusCode);
        Assert.Contains("This preview link does not work", await browser.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_previews_unsubscribe_link_shows_a_preview_page_and_opts_nobody_out()
    {
        var apiKey = await Host.CreateClinicAsync("c1");
        // A real patient with the preview's sample address: an opt-out through the sample link would show on them.
        await Host.PostSessionOkAsync(apiKey, new { patientId = "preview", email = "patient@example.com", injectionDate = Host.DaysAgo(10) });
        var preview = await (await Host.SendAsync(HttpMethod.Get, "/api/email-preview", apiKey)).Content.ReadAsStringAsync();
        var href = WebUtility.HtmlDecode(Regex.Match(preview, "href=\"([^\"]*/api/unsubscribe\\?token=[^\"]*)\"").Groups[1].Value);
        Assert.StartsWith(Host.Settings.PublicBaseUrl + "/api/unsubscribe?token=", href);
        var link = new Uri(href).PathAndQuery;

        var show = await SendAsync(HttpMethod.Get, link, BrowserAccept);
        var oneClick = await OneClickAsync(link);
        var resubscribe = await OneClickAsync(link, "action", "resubscribe");

        Assert.Equal(HttpStatusCode.OK, show.StatusCode);
        Assert.Contains("This is a preview", await show.Content.ReadAsStringAsync());
        Assert.Contains("Stop reminder emails from Clínica Lumbar c1?", WebUtility.HtmlDecode(await show.Content.ReadAsStringAsync()));
        Assert.Equal(HttpStatusCode.OK, oneClick.StatusCode);
        Assert.Contains("This is a preview", await oneClick.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, resubscribe.StatusCode);
        Assert.False((await Host.GetPatientAsync(apiKey, "preview"))!["optedOut"]!.GetValue<bool>());
        Assert.Empty(await OptOutRowsAsync());
    }

    [Fact]
    public async Task The_email_preview_shows_the_clinics_branding_in_its_language()
    {
        var apiKey = await Host.CreateClinicAsync("c1", new()
        {
            ["locale"] = "es-MX", ["accentColor"] = "#AA3366", ["logoUrl"] = "https://c1.example.com/logo.png",
            ["postalAddress"] = "Calle Mayor 1, 28013 Madrid", ["phone"] = "+34 910 000 000",
        });

        var response = await Host.SendAsync(HttpMethod.Get, "/api/email-preview", apiKey);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var html = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
        Assert.Contains("lang=\"es\"", html);
        Assert.Contains("Reservar cita", html);
        Assert.Contains("#AA3366", html);
        Assert.Contains("https://c1.example.com/logo.png", html);
        Assert.Contains("Calle Mayor 1, 28013 Madrid", html);
        Assert.Contains("+34 910 000 000", html);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Host.SendAsync(HttpMethod.Get, "/api/email-preview", "rk_wrong")).StatusCode);
    }

    [Fact]
    public async Task Branding_settings_are_returned_and_validated()
    {
        var apiKey = await Host.CreateClinicAsync("c1", new() { ["locale"] = "es-MX" });
        var bad = await Host.PutClinicAsync("c1", new
        {
            name = "C1", timeZone = "Europe/Madrid", bookingUrl = "https://c1.example.com/book",
            locale = "xx-NOPE-1", logoUrl = "http://insecure.example.com/logo.png", accentColor = "red", phone = "call me",
        });

        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var errors = (await bad.ProblemAsync())["errors"]!.AsObject().Select(e => e.Key).ToArray();
        Assert.Equivalent(new[] { "locale", "logoUrl", "accentColor", "phone" }, errors);
        Assert.NotNull(apiKey);
    }
}

public sealed class ServerUnsubscribeContractTests(Azurite azurite) : UnsubscribeContractTests(azurite)
{
    protected override async Task<IApiHost> StartAsync(TestSettings settings, FakeTimeProvider time) => await ServerHost.StartAsync(settings, time);
}

public sealed class FunctionsUnsubscribeContractTests(Azurite azurite) : UnsubscribeContractTests(azurite)
{
    protected override async Task<IApiHost> StartAsync(TestSettings settings, FakeTimeProvider time) => await FunctionsHost.StartAsync(settings, time);
}
