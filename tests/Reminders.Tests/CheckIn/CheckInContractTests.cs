using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Time.Testing;
using Reminders.Tests.Infrastructure;

namespace Reminders.Tests.CheckIn;

/// <summary>
/// The relief check-in over HTTP on both hosts, through the links in the email the sweep wrote: opaque links, a
/// scanner-safe confirm page in the clinic's language, the answer recorded once and shown to the clinic.
/// </summary>
public abstract class CheckInContractTests(Azurite azurite) : HostedApiTests(azurite)
{
    private async Task<(string ApiKey, string NotYet, string NoLonger)> SentReminderAsync(string locale = "en")
    {
        var apiKey = await Host.CreateClinicAsync("c1", new() { ["locale"] = locale });
        await Host.PostSessionOkAsync(apiKey, new { patientId = "patient-4711", email = "ana@example.com", firstName = "Ana", injectionDate = Host.DaysAgo(80), sessionId = "visit-2026-03" });
        Assert.Equal(1, (await Host.SweepAsync()).Count("sent"));
        var message = Assert.Single(Outbox.Messages(Host.Settings.OutboxPath));
        var html = WebUtility.HtmlDecode(message.HtmlBody!);
        var links = Regex.Matches(html, "href=\"([^\"]*/api/check-in\\?[^\"]*)\"").Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(2, links.Count);
        Assert.All(links, link =>
        {
            Assert.StartsWith(Host.Settings.PublicBaseUrl + "/api/check-in?token=", link);
            // Opaque: no patient or session id, no address in the link (ids long enough not to turn up in base64 by chance).
            foreach (var secret in new[] { "patient-4711", "visit-2026-03", "ana@example" }) Assert.DoesNotContain(secret, link);
            Assert.Contains(link, message.TextBody);
        });
        return (apiKey, new Uri(links.Single(l => l.EndsWith("answer=notYet", StringComparison.Ordinal))).PathAndQuery,
            new Uri(links.Single(l => l.EndsWith("answer=noLonger", StringComparison.Ordinal))).PathAndQuery);
    }

    private static JsonObject Session(JsonObject patient) => patient["sessions"]![0]!.AsObject();

    [Fact]
    public async Task The_links_open_a_confirm_page_that_changes_nothing_even_for_a_scanners_HEAD()
    {
        var (apiKey, notYet, noLonger) = await SentReminderAsync();
        var before = (await Host.GetPatientAsync(apiKey, "patient-4711"))!.ToJsonString();

        var page = await Host.Client.GetAsync(notYet);
        var head = await Host.Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, noLonger));
        var stop = await Host.Client.GetAsync(noLonger);

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK), (page.StatusCode, head.StatusCode, stop.StatusCode));
        var html = WebUtility.HtmlDecode(await page.Content.ReadAsStringAsync());
        Assert.Contains("Remind you later?", html);
        Assert.Contains("name=\"weeks\" value=\"2\" checked", html);
        Assert.Contains("method=\"post\"", html);
        Assert.Contains("No longer need reminders for this treatment?", WebUtility.HtmlDecode(await stop.Content.ReadAsStringAsync()));
        Assert.Equal(before, (await Host.GetPatientAsync(apiKey, "patient-4711"))!.ToJsonString());
    }

    [Fact]
    public async Task Not_yet_plans_a_reminder_for_the_chosen_weeks_once_and_the_clinic_sees_the_answer()
    {
        var (apiKey, notYet, _) = await SentReminderAsync();

        var answered = await Host.Client.PostAsync(notYet, new FormUrlEncodedContent([new("weeks", "4")]));
        var again = await Host.Client.PostAsync(notYet, new FormUrlEncodedContent([new("weeks", "4")]));

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (answered.StatusCode, again.StatusCode));
        Assert.Contains("We will remind you later", WebUtility.HtmlDecode(await answered.Content.ReadAsStringAsync()));
        var session = Session((await Host.GetPatientAsync(apiKey, "patient-4711"))!);
        Assert.Equal(("Pending", Host.DaysAgo(-28)), (session["status"]!.GetValue<string>(), session["reminderDate"]!.GetValue<string>()));
        var answer = Assert.Single(session["checkIns"]!.AsArray())!;
        Assert.Equal(("notYet", 4), (answer["answer"]!.GetValue<string>(), answer["weeks"]!.GetValue<int>()));
        Assert.Equal(0, (await Host.SweepAsync()).Count("sent"));
    }

    [Fact]
    public async Task No_longer_is_recorded_and_ends_the_reminders_a_bad_token_or_answer_is_400()
    {
        var (apiKey, notYet, noLonger) = await SentReminderAsync();

        Assert.Equal(HttpStatusCode.OK, (await Host.Client.PostAsync(noLonger, null)).StatusCode);
        var forged = await Host.Client.PostAsync("/api/check-in?token=forged&answer=noLonger", null);
        var badAnswer = await Host.Client.PostAsync(notYet.Replace("notYet", "later", StringComparison.Ordinal), null);
        var badWeeks = await Host.Client.PostAsync(notYet, new FormUrlEncodedContent([new("weeks", "52")]));

        Assert.Equal("token", Assert.Single((await forged.ProblemAsync())["errors"]!.AsObject()).Key);
        Assert.Equal("answer", Assert.Single((await badAnswer.ProblemAsync())["errors"]!.AsObject()).Key);
        Assert.Equal("weeks", Assert.Single((await badWeeks.ProblemAsync())["errors"]!.AsObject()).Key);
        var session = Session((await Host.GetPatientAsync(apiKey, "patient-4711"))!);
        Assert.Equal("noLonger", Assert.Single(session["checkIns"]!.AsArray())!["answer"]!.GetValue<string>());
        // Changing their mind with "not yet" afterwards is honoured: the latest answer wins.
        Assert.Equal(HttpStatusCode.OK, (await Host.Client.PostAsync(notYet, new FormUrlEncodedContent([new("weeks", "1")]))).StatusCode);
        Assert.Equal("Pending", Session((await Host.GetPatientAsync(apiKey, "patient-4711"))!)["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_spanish_clinics_pages_and_email_speak_spanish()
    {
        var (_, notYet, _) = await SentReminderAsync(locale: "es");
        var message = Assert.Single(Outbox.Messages(Host.Settings.OutboxPath));

        Assert.Contains("Todavía no — recuérdemelo en 2 semanas", message.TextBody);
        Assert.Contains("Ya no lo necesito", message.TextBody);
        Assert.Contains("¿Se lo recordamos más adelante?", WebUtility.HtmlDecode(await (await Host.Client.GetAsync(notYet)).Content.ReadAsStringAsync()));
        var done = await Host.Client.PostAsync(notYet, new FormUrlEncodedContent([new("weeks", "2")]));
        Assert.Contains("Se lo recordaremos más adelante", WebUtility.HtmlDecode(await done.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task The_previews_follow_up_and_its_check_in_links_are_samples_that_change_nothing()
    {
        var apiKey = await Host.CreateClinicAsync("c1");
        // A real patient with the preview's sample id and address: an answer through the sample link would show on them.
        await Host.PostSessionOkAsync(apiKey, new { patientId = "preview", email = "patient@example.com", injectionDate = Host.DaysAgo(10) });
        var before = (await Host.GetPatientAsync(apiKey, "preview"))!.ToJsonString();

        var preview = WebUtility.HtmlDecode(await (await Host.SendAsync(HttpMethod.Get, "/api/email-preview?step=2", apiKey)).Content.ReadAsStringAsync());
        var notYet = new Uri(Regex.Match(preview, "href=\"([^\"]*/api/check-in\\?[^\"]*answer=notYet)\"").Groups[1].Value).PathAndQuery;
        var done = await Host.Client.PostAsync(notYet, new FormUrlEncodedContent([new("weeks", "2")]));

        Assert.Contains("If you have not booked yet, there is still time", preview);
        Assert.Equal(HttpStatusCode.OK, done.StatusCode);
        var page = WebUtility.HtmlDecode(await done.Content.ReadAsStringAsync());
        Assert.Contains("We will remind you later", page);
        Assert.Contains("This is a preview", page);
        Assert.Equal(before, (await Host.GetPatientAsync(apiKey, "preview"))!.ToJsonString());
    }
}

public sealed class ServerCheckInContractTests(Azurite azurite) : CheckInContractTests(azurite)
{
    protected override async Task<IApiHost> StartAsync(TestSettings settings, FakeTimeProvider time) => await ServerHost.StartAsync(settings, time);
}

public sealed class FunctionsCheckInContractTests(Azurite azurite) : CheckInContractTests(azurite)
{
    protected override async Task<IApiHost> StartAsync(TestSettings settings, FakeTimeProvider time) => await FunctionsHost.StartAsync(settings, time);
}
