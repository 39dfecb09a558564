using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using Reminders.Tests.Infrastructure;

namespace Reminders.Tests.Dashboard;

/// <summary>
/// The dashboard in headless Chromium (Debian's <c>chromium</c>, driven by Playwright) against the Server on Azurite
/// with seeded data: sign in with a staff key, the upcoming count the API gives, a patient's story, a cancel with its
/// confirm step, Spanish, a 375 px screen, a hostile first name shown as text, and axe-core finding nothing serious.
/// Skipped, saying why, only when no Chromium is installed (<c>.ci/run</c> installs it).
/// </summary>
public sealed class DashboardBrowserTests(Azurite azurite) : IAsyncLifetime
{
    private const string Chromium = "/usr/bin/chromium";
    private const string HostileName = "<img src=x onerror=alert(1)>";
    private IApiHost _host = null!;
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;
    private string _staffKey = "";

    public async ValueTask InitializeAsync()
    {
        if (!File.Exists(Chromium)) return;
        _host = await ServerHost.StartAsync(new TestSettings(azurite.ConnectionString), TestClock.New());
        var integration = await _host.CreateClinicAsync("c1");
        await _host.PostSessionOkAsync(integration, new { patientId = "p1", email = "ana@example.com", firstName = HostileName, injectionDate = _host.DaysAgo(70), sessionId = "s1" });
        await _host.PostSessionOkAsync(integration, new { patientId = "p2", email = "bo@example.com", firstName = "Bo", injectionDate = _host.DaysAgo(60), sessionId = "s1" });
        await _host.PostSessionOkAsync(integration, new { patientId = "p3", email = "cy@example.com", firstName = "Cy", injectionDate = _host.DaysAgo(80), sessionId = "s1" });
        // p4's treatment reminds twice: 14 days before relief ends (today) and on the day it ends (in 14 days).
        var treatment = new { name = "Botulinum toxin, lumbar", reliefDays = 98, minReliefDays = 84, maxReliefDays = 180, reminderSteps = new[] { -14, 0 } };
        using (var put = new HttpRequestMessage(HttpMethod.Put, "/api/clinics/c1/treatments/botox") { Content = JsonContent.Create(treatment) })
        {
            put.Headers.Add("X-Admin-Key", TestSettings.AdminKey);
            Assert.True((await _host.Client.SendAsync(put)).IsSuccessStatusCode);
        }
        await _host.PostSessionOkAsync(integration, new { patientId = "p4", email = "di@example.com", firstName = "Di", injectionDate = _host.DaysAgo(84), sessionId = "s1", treatmentId = "botox" });
        // p5's session is registered long after its relief ended: dated months ago, expired today.
        await _host.PostSessionOkAsync(integration, new { patientId = "p5", email = "ed@example.com", firstName = "Ed", injectionDate = _host.DaysAgo(200), sessionId = "s1" });
        await _host.SweepAsync(); // p3's reminder (due 4 days ago) and p4's first step go out: outcomes to show
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/clinics/c1/keys?scope=staff");
        request.Headers.Add("X-Admin-Key", TestSettings.AdminKey);
        _staffKey = (await (await _host.Client.SendAsync(request)).Content.ReadFromJsonAsync<JsonObject>())!["apiKey"]!.GetValue<string>();
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new() { ExecutablePath = Chromium, Headless = true, Args = ["--no-sandbox"] });
    }

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null) await _browser.DisposeAsync();
        _playwright?.Dispose();
        if (_host is not null) await _host.DisposeAsync();
    }

    private async Task<IPage> SignedInPageAsync(int width = 1200)
    {
        Assert.SkipUnless(File.Exists(Chromium), $"No Chromium at {Chromium}: install Debian's chromium (apt-get install -y chromium); .ci/run does.");
        var page = await _browser.NewPageAsync(new() { ViewportSize = new() { Width = width, Height = 900 }, Locale = "en-GB" });
        page.Dialog += async (_, dialog) =>
        {
            // The only dialog the page may open is its own confirm step; an alert would be script from a patient's name.
            Assert.Equal(DialogType.Confirm, dialog.Type);
            await dialog.AcceptAsync();
        };
        var errors = new List<string>();
        page.PageError += (_, error) => errors.Add(error);
        await page.GotoAsync(new Uri(_host.Client.BaseAddress!, "/").AbsoluteUri);
        await page.FillAsync("#key", _staffKey);
        await page.ClickAsync("#sign-in button[type=submit]");
        await page.WaitForSelectorAsync("#upcoming:not([hidden]) .day", new() { Timeout = 10_000 });
        Assert.Empty(errors);
        return page;
    }

    [Fact]
    public async Task Staff_sign_in_see_the_upcoming_reminders_the_api_gives_and_the_key_stays_out_of_the_url()
    {
        var page = await SignedInPageAsync();

        var plan = await _host.SendAsync(HttpMethod.Get, $"/api/reminders?from={_host.DaysAgo(0)}&to={_host.DaysAgo(-29)}", _staffKey);
        var pending = (await plan.Content.ReadFromJsonAsync<JsonObject>())!["reminders"]!.AsArray().Count(r => r!["status"]!.GetValue<string>() == "Pending");
        Assert.Equal($"{pending} reminders", await page.TextContentAsync("#upcoming-total"));
        Assert.Equal(pending, await page.Locator("#upcoming-days li").CountAsync());
        // Each with the patient's first name, shown as text: p1's is markup, and nothing of it runs or renders.
        Assert.Contains(await page.Locator("#upcoming-days li").AllTextContentsAsync(), li => li.StartsWith($"p1 {HostileName} · step 1/1 · Due on "));
        Assert.Equal(0, await page.Locator("#upcoming-days img").CountAsync());
        Assert.DoesNotContain(_staffKey, page.Url);
        Assert.Equal(_staffKey, await page.EvaluateAsync<string>("sessionStorage.getItem('staffKey')"));
        Assert.Null(await page.EvaluateAsync<string?>("localStorage.getItem('staffKey')"));
    }

    [Fact]
    public async Task A_sign_in_link_signs_one_tab_in_once_on_a_click_and_leaves_no_token_in_the_address_bar()
    {
        Assert.SkipUnless(File.Exists(Chromium), $"No Chromium at {Chromium}: install Debian's chromium (apt-get install -y chromium); .ci/run does.");
        var issued = await _host.AdminSendAsync(HttpMethod.Post, "/api/clinics/c1/sign-in-links");
        var link = new Uri((await issued.Content.ReadFromJsonAsync<JsonObject>())!["url"]!.GetValue<string>());
        // The link names the public host; here the same path and fragment on the test server.
        var local = new Uri(_host.Client.BaseAddress!, link.PathAndQuery + link.Fragment).AbsoluteUri;
        var token = link.Fragment["#sign-in=".Length..];
        var context = await _browser.NewContextAsync(new() { Locale = "en-GB" });

        // A mail scanner loads the page and runs its script, but clicks nothing: the link is not spent.
        var scanner = await context.NewPageAsync();
        await scanner.GotoAsync(local);
        await scanner.WaitForSelectorAsync("#link-sign-in:not([hidden])");
        Assert.DoesNotContain("#", scanner.Url);
        await scanner.CloseAsync();

        var page = await context.NewPageAsync();
        await page.GotoAsync(local);
        Assert.DoesNotContain(token, page.Url);
        Assert.DoesNotContain("#", page.Url);
        await page.WaitForSelectorAsync("#link-sign-in:not([hidden])");
        var serious = (await page.RunAxe()).Violations.Where(v => v.Impact is "serious" or "critical").Select(v => $"{v.Id} {v.Help}").ToList();
        Assert.True(serious.Count == 0, string.Join("\n", serious));
        await page.ClickAsync("#use-link");
        await page.WaitForSelectorAsync("#upcoming:not([hidden]) .day", new() { Timeout = 10_000 });
        Assert.StartsWith("rt_", await page.EvaluateAsync<string>("sessionStorage.getItem('staffKey')"));
        Assert.Equal("· Clínica Lumbar c1", await page.TextContentAsync("#clinic-name"));

        // Another tab is not signed in (the session lives in the first tab only), and the link does not work twice.
        var second = await context.NewPageAsync();
        await second.GotoAsync(local);
        await second.ClickAsync("#use-link");
        await second.WaitForSelectorAsync("#sign-in:not([hidden])");
        Assert.Contains("does not work any more", await second.TextContentAsync("#sign-in-error"));
        Assert.True(await second.IsHiddenAsync("nav"));
        Assert.Null(await second.EvaluateAsync<string?>("sessionStorage.getItem('staffKey')"));
        await context.DisposeAsync();
    }

    [Fact]
    public async Task Recent_outcomes_include_earlier_steps_and_late_decisions_and_filter_by_their_totals()
    {
        var page = await SignedInPageAsync();

        await page.ClickAsync("nav [data-view=outcomes]");
        await page.WaitForSelectorAsync("#outcomes-rows tr");
        var rows = await page.Locator("#outcomes-rows tr").AllTextContentsAsync();
        Assert.Equal(3, rows.Count);
        Assert.Contains(rows, r => r.Contains("p3 Cy · step 1/1") && r.Contains("Sent"));
        Assert.Contains(rows, r => r.Contains("p4 Di · step 1/2") && r.Contains("Sent")); // its session now waits on step 2
        Assert.Contains(rows, r => r.Contains("p5 Ed · step 1/1") && r.Contains("Expired (ReliefEnded)")); // dated months ago
        Assert.Equal("true", await page.GetAttributeAsync("#outcomes-totals button:has-text('All: 3')", "aria-pressed"));

        await page.ClickAsync("#outcomes-totals button:has-text('Expired (ReliefEnded): 1')");
        Assert.Equal(["p5"], (await page.Locator("#outcomes-rows tr").AllTextContentsAsync()).Select(r => r[10..].Split(' ')[0]));
        Assert.Equal("true", await page.GetAttributeAsync("#outcomes-totals button:has-text('Expired')", "aria-pressed"));
        await page.ClickAsync("#outcomes-totals button:has-text('Sent: 2')");
        Assert.Equal(2, await page.Locator("#outcomes-rows tr").CountAsync());
        await page.ClickAsync("#outcomes-totals button:has-text('Sent: 2')"); // pressed again: every row
        Assert.Equal(3, await page.Locator("#outcomes-rows tr").CountAsync());
        Assert.Equal("", await page.TextContentAsync("#outcomes-alert"));

        // In Spanish the view is written again: statuses and totals in Spanish, the same rows.
        await page.SelectOptionAsync("#language", "es");
        await page.WaitForSelectorAsync("#outcomes-totals button:has-text('Todos: 3')");
        Assert.Contains(await page.Locator("#outcomes-rows tr").AllTextContentsAsync(), r => r.Contains("p5 Ed · paso 1/1") && r.Contains("Caducado (ReliefEnded)"));
    }

    [Fact]
    public async Task A_patient_is_looked_up_shown_as_text_and_a_session_cancelled_after_the_confirm_step()
    {
        var page = await SignedInPageAsync();

        await page.ClickAsync("nav [data-view=patient]");
        await page.FillAsync("#patient-id", "p1");
        await page.ClickAsync("#patient-form button");
        await page.WaitForSelectorAsync("#patient-view .session");
        Assert.Contains(HostileName, await page.TextContentAsync("#patient-view h3"));
        Assert.Equal(0, await page.Locator("#patient-view img").CountAsync());

        await page.ClickAsync("#patient-view .session button");
        await page.WaitForSelectorAsync("#patient-view h4:has-text('cancelled')");
        var patient = await _host.GetPatientAsync(_staffKey, "p1");
        Assert.True(patient!["sessions"]![0]!["cancelled"]!.GetValue<bool>());
    }

    [Fact]
    public async Task A_passing_failure_neither_spends_the_link_nor_loses_the_session_it_started()
    {
        Assert.SkipUnless(File.Exists(Chromium), $"No Chromium at {Chromium}: install Debian's chromium (apt-get install -y chromium); .ci/run does.");
        var issued = await _host.AdminSendAsync(HttpMethod.Post, "/api/clinics/c1/sign-in-links");
        var link = new Uri((await issued.Content.ReadFromJsonAsync<JsonObject>())!["url"]!.GetValue<string>());
        var page = await _browser.NewPageAsync(new() { Locale = "en-GB" });
        // The first redemption and the first read of the clinic meet a 503 (an overloaded instance), as a proxy would answer.
        var failed = new HashSet<string>();
        await page.RouteAsync("**/api/{staff-sessions,clinic}", async route =>
        {
            if (failed.Add(new Uri(route.Request.Url).AbsolutePath)) await route.FulfillAsync(new() { Status = 503, Body = "busy" });
            else await route.ContinueAsync();
        });
        await page.GotoAsync(new Uri(_host.Client.BaseAddress!, link.PathAndQuery + link.Fragment).AbsoluteUri);

        await page.ClickAsync("#use-link");
        await page.WaitForSelectorAsync("#link-error:has-text('Something went wrong')");
        await page.ClickAsync("#use-link"); // the link was not spent: the same page offers it again
        await page.WaitForSelectorAsync("#sign-in-error:has-text('Something went wrong')");
        var key = await page.EvaluateAsync<string>("sessionStorage.getItem('staffKey')");
        Assert.StartsWith("rt_", key); // the session survived the failed read

        await page.ReloadAsync();
        await page.WaitForSelectorAsync("#upcoming:not([hidden]) .day", new() { Timeout = 10_000 });
        Assert.Equal(key, await page.EvaluateAsync<string>("sessionStorage.getItem('staffKey')"));
    }

    [Fact]
    public async Task The_keyboard_alone_signs_in_finds_a_patient_cancels_a_session_and_it_leaves_upcoming()
    {
        Assert.SkipUnless(File.Exists(Chromium), $"No Chromium at {Chromium}: install Debian's chromium (apt-get install -y chromium); .ci/run does.");
        var page = await _browser.NewPageAsync(new() { ViewportSize = new() { Width = 375, Height = 800 }, Locale = "en-GB" });
        page.Dialog += async (_, dialog) => await dialog.AcceptAsync(); // the confirm step, answered with Enter by a person
        await page.GotoAsync(new Uri(_host.Client.BaseAddress!, "/").AbsoluteUri);

        await TabToAsync(page, "#key");
        await page.Keyboard.TypeAsync(_staffKey);
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForSelectorAsync("#upcoming:not([hidden]) .day");
        var before = await page.Locator("#upcoming-days li").CountAsync();

        await TabToAsync(page, "nav [data-view=patient]");
        Assert.NotEqual("none", await page.EvaluateAsync<string>("getComputedStyle(document.activeElement).outlineStyle")); // a visible focus ring
        await page.Keyboard.PressAsync("Enter");
        await TabToAsync(page, "#patient-id");
        await page.Keyboard.TypeAsync("p1");
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForSelectorAsync("#patient-view .session button");
        await TabToAsync(page, "#patient-view .session button");
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForSelectorAsync("#patient-view h4:has-text('cancelled')");

        await TabToAsync(page, "nav [data-view=upcoming]", backwards: true);
        await page.Keyboard.PressAsync("Enter");
        // Loaded (the view shows the earlier list until then); an empty line is never "visible", so wait for it attached.
        await page.WaitForSelectorAsync("#status:empty", new() { State = WaitForSelectorState.Attached });
        Assert.Equal(before - 1, await page.Locator("#upcoming-days li").CountAsync());
        Assert.DoesNotContain(await page.Locator("#upcoming-days li").AllTextContentsAsync(), li => li.StartsWith("p1 "));
    }

    /// <summary>Presses Tab (or Shift+Tab) until <paramref name="selector"/> has the focus: reachable by keyboard, or the test fails.</summary>
    private static async Task TabToAsync(IPage page, string selector, bool backwards = false)
    {
        for (var i = 0; i < 40; i++)
        {
            if (await page.EvaluateAsync<bool>("s => document.activeElement?.matches(s) === true", selector)) return;
            await page.Keyboard.PressAsync(backwards ? "Shift+Tab" : "Tab");
        }
        Assert.Fail($"{selector} is not reachable with the keyboard.");
    }

    [Fact]
    public async Task The_rebooking_chart_is_drawn_from_the_statistics_and_the_preview_opens_the_clinics_email()
    {
        var page = await SignedInPageAsync();

        await page.ClickAsync("nav [data-view=rebooking]");
        await page.WaitForSelectorAsync("#rebooking-rows tr");
        Assert.Equal(8, await page.Locator("#rebooking-rows tr").CountAsync());
        Assert.Equal(16, await page.Locator("#rebooking-chart rect").CountAsync());

        await page.ClickAsync("nav [data-view=preview]");
        var popup = await page.Context.RunAndWaitForPageAsync(() => page.ClickAsync("[data-preview=es]"));
        await popup.WaitForLoadStateAsync();
        Assert.Contains("/api/email-preview?link=", popup.Url);
        Assert.Equal("es", await popup.GetAttributeAsync("html", "lang"));
    }

    [Fact]
    public async Task Spanish_a_phone_sized_screen_and_no_serious_accessibility_violation()
    {
        var page = await SignedInPageAsync(width: 375);

        await page.SelectOptionAsync("#language", "es");
        Assert.Equal("Próximos", await page.TextContentAsync("nav [data-view=upcoming]"));
        Assert.Equal("es", await page.GetAttributeAsync("html", "lang"));
        Assert.True(await page.EvaluateAsync<bool>("document.documentElement.scrollWidth <= 375"), "the page scrolls sideways at 375 px");

        foreach (var view in new[] { "upcoming", "outcomes", "patient", "preview", "rebooking" })
        {
            await page.ClickAsync($"nav [data-view={view}]");
            await page.WaitForSelectorAsync($"#{view}:not([hidden])");
            var results = await page.RunAxe();
            var serious = results.Violations.Where(v => v.Impact is "serious" or "critical").Select(v => $"{view}: {v.Id} {v.Help}").ToList();
            Assert.True(serious.Count == 0, string.Join("\n", serious));
        }
    }

    /// <summary>
    /// Every view, in English and Spanish, on a desktop and a phone, as PNGs: into a temporary folder on every run (each
    /// must be a real picture), and into docs/dashboard/ when REMINDERS_SCREENSHOTS names the repository root
    /// (scripts/screenshot-dashboard).
    /// </summary>
    [Fact]
    public async Task Every_view_renders_for_screenshots_in_both_languages_on_desktop_and_phone()
    {
        var repository = Environment.GetEnvironmentVariable("REMINDERS_SCREENSHOTS");
        var folder = repository is null ? Directory.CreateTempSubdirectory("dashboard-shots").FullName : Path.Combine(repository, "docs", "dashboard");
        Directory.CreateDirectory(folder);
        foreach (var (device, width) in new[] { ("desktop", 1200), ("phone", 375) })
        {
            var page = await SignedInPageAsync(width);
            foreach (var language in new[] { "en", "es" })
            {
                await page.SelectOptionAsync("#language", language);
                foreach (var view in new[] { "upcoming", "outcomes", "patient", "rebooking" })
                {
                    await page.ClickAsync($"nav [data-view={view}]");
                    if (view == "patient")
                    {
                        await page.FillAsync("#patient-id", "p2");
                        await page.ClickAsync("#patient-form button");
                        await page.WaitForSelectorAsync("#patient-view .session");
                    }
                    if (view == "rebooking") await page.WaitForSelectorAsync("#rebooking-rows tr");
                    await Assertions.Expect(page.Locator("#status")).ToHaveTextAsync(""); // loaded (no eval: the CSP forbids it)
                    var file = Path.Combine(folder, $"{view}-{language}-{device}.png");
                    await page.ScreenshotAsync(new() { Path = file, FullPage = true });
                    Assert.True(new FileInfo(file).Length > 5_000, $"{file} is not a real picture");
                }
            }
            await page.CloseAsync();
        }
        if (repository is null) Directory.Delete(folder, recursive: true);
    }
}
