using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using Reminders.Tests.Infrastructure;

namespace Reminders.Tests.Dashboard;

/// <summary>
/// Sign-in links on both hosts: an admin issues one, its token rides after '#' (never sent to a server), it is
/// traded once for a staff session key with a staff key's scope, and it stops working when it expires, is used, or
/// is revoked; the session ends after 8 hours or at revocation.
/// </summary>
public abstract class StaffSignInContractTests(Azurite azurite) : HostedApiTests(azurite)
{
    private async Task<string> IssueLinkTokenAsync(string clinicId = "c1", string query = "")
    {
        var response = await Host.AdminSendAsync(HttpMethod.Post, $"/api/clinics/{clinicId}/sign-in-links{query}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var url = (await response.Content.ReadFromJsonAsync<JsonObject>())!["url"]!.GetValue<string>();
        var (page, fragment) = (url[..url.IndexOf('#')], url[(url.IndexOf('#') + 1)..]);
        Assert.EndsWith("/api/dashboard/", page); // nothing secret before '#': a browser sends only that part
        Assert.StartsWith("sign-in=", fragment);
        return fragment["sign-in=".Length..];
    }

    private Task<HttpResponseMessage> RedeemAsync(string token) =>
        Host.Client.PostAsJsonAsync("/api/staff-sessions", new { signInLink = token });

    private async Task<JsonObject> SessionAsync(string token)
    {
        var response = await RedeemAsync(token);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    private async Task<string> RefusalAsync(string token)
    {
        var response = await RedeemAsync(token);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        return (await response.ProblemAsync())["detail"]!.GetValue<string>();
    }

    private async Task<HttpStatusCode> ReadClinicAsync(string sessionKey) => (await Host.SendAsync(HttpMethod.Get, "/api/clinic", sessionKey)).StatusCode;

    [Fact]
    public async Task A_link_starts_one_staff_session_which_reads_and_cancels_but_writes_nothing_else()
    {
        var integration = await Host.CreateClinicAsync("c1");
        await Host.PostSessionOkAsync(integration, new { patientId = "p1", email = "ana@example.com", injectionDate = Host.DaysAgo(40), sessionId = "s1" });
        var token = await IssueLinkTokenAsync();

        var session = await SessionAsync(token);
        var key = session["sessionKey"]!.GetValue<string>();
        Assert.StartsWith("rt_", key);
        Assert.Equal("c1", session["clinicId"]!.GetValue<string>());
        Assert.Equal(Host.Time.GetUtcNow().AddHours(8), session["expiresAt"]!.GetValue<DateTimeOffset>(), TimeSpan.FromSeconds(1));

        Assert.Equal(HttpStatusCode.OK, await ReadClinicAsync(key));
        Assert.Equal(HttpStatusCode.OK, (await Host.SendAsync(HttpMethod.Get, $"/api/reminders?from={Host.DaysAgo(0)}&to={Host.DaysAgo(-80)}", key)).StatusCode);
        var write = await Host.SendAsync(HttpMethod.Post, "/api/sessions", key, new { patientId = "p2", email = "bo@example.com", injectionDate = Host.DaysAgo(5) });
        Assert.Equal(HttpStatusCode.Forbidden, write.StatusCode);
        Assert.Null(await Host.GetPatientAsync(integration, "p2"));
        Assert.Equal(HttpStatusCode.NoContent, (await Host.SendAsync(HttpMethod.Delete, "/api/patients/p1/sessions/s1", key)).StatusCode);
        // A session is no admin: it cannot mint more of itself.
        using var mint = new HttpRequestMessage(HttpMethod.Post, "/api/clinics/c1/sign-in-links");
        mint.Headers.Add("X-Admin-Key", key);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Host.Client.SendAsync(mint)).StatusCode);

        Assert.Contains("already used", await RefusalAsync(token));
    }

    [Fact]
    public async Task The_clinics_integration_key_issues_and_revokes_its_own_links_and_staff_may_not()
    {
        var integration = await Host.CreateClinicAsync("c1");
        var other = await Host.CreateClinicAsync("c2");

        var issued = await Host.SendAsync(HttpMethod.Post, "/api/clinics/c1/sign-in-links?minutes=5", integration);
        Assert.Equal(HttpStatusCode.OK, issued.StatusCode);
        var url = (await issued.Content.ReadFromJsonAsync<JsonObject>())!["url"]!.GetValue<string>();
        var key = (await SessionAsync(ApiCalls.SignInTokenOf(url)))["sessionKey"]!.GetValue<string>();
        Assert.Equal(HttpStatusCode.OK, await ReadClinicAsync(key));

        // Another clinic's key finds no such clinic; a staff session may neither mint nor end sessions.
        Assert.Equal(HttpStatusCode.NotFound, (await Host.SendAsync(HttpMethod.Post, "/api/clinics/c1/sign-in-links", other)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Host.SendAsync(HttpMethod.Delete, "/api/clinics/c1/staff-sessions", other)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await Host.SendAsync(HttpMethod.Post, "/api/clinics/c1/sign-in-links", key)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await Host.SendAsync(HttpMethod.Delete, "/api/clinics/c1/staff-sessions", key)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, await ReadClinicAsync(key));

        Assert.Equal(HttpStatusCode.NoContent, (await Host.SendAsync(HttpMethod.Delete, "/api/clinics/c1/staff-sessions", integration)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, await ReadClinicAsync(key));
    }

    [Fact]
    public async Task Revoking_an_integration_key_ends_the_sessions_it_could_have_started_and_revoking_a_staff_key_does_not()
    {
        await Host.CreateClinicAsync("c1");
        var leaked = (await (await Host.AdminSendAsync(HttpMethod.Post, "/api/clinics/c1/keys")).Content.ReadFromJsonAsync<JsonObject>())!;
        var staffKey = (await (await Host.AdminSendAsync(HttpMethod.Post, "/api/clinics/c1/keys?scope=staff")).Content.ReadFromJsonAsync<JsonObject>())!;
        var minted = await Host.SendAsync(HttpMethod.Post, "/api/clinics/c1/sign-in-links?minutes=1440", leaked["apiKey"]!.GetValue<string>());
        var url = (await minted.Content.ReadFromJsonAsync<JsonObject>())!["url"]!.GetValue<string>();
        var unused = ApiCalls.SignInTokenOf(url);
        var session = (await SessionAsync(await IssueLinkTokenAsync()))["sessionKey"]!.GetValue<string>();

        Assert.Equal(HttpStatusCode.NoContent, (await Host.AdminSendAsync(HttpMethod.Delete, $"/api/clinics/c1/keys/{staffKey["id"]}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, await ReadClinicAsync(session));

        Assert.Equal(HttpStatusCode.NoContent, (await Host.AdminSendAsync(HttpMethod.Delete, $"/api/clinics/c1/keys/{leaked["id"]}")).StatusCode);
        Assert.Contains("revoked", await RefusalAsync(unused));
        Assert.Equal(HttpStatusCode.Unauthorized, await ReadClinicAsync(session));
    }

    [Fact]
    public async Task Racing_redemptions_of_one_link_make_exactly_one_session()
    {
        await Host.CreateClinicAsync("c1");
        var token = await IssueLinkTokenAsync();

        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => RedeemAsync(token)));

        Assert.Single(answers, a => a.StatusCode == HttpStatusCode.Created);
        Assert.All(answers.Where(a => a.StatusCode != HttpStatusCode.Created), a => Assert.Equal(HttpStatusCode.Unauthorized, a.StatusCode));
    }

    [Fact]
    public async Task A_link_expires_unused_and_a_session_ends_after_eight_hours()
    {
        await Host.CreateClinicAsync("c1");
        var shortLived = await IssueLinkTokenAsync(query: "?minutes=5");
        var defaultLived = await IssueLinkTokenAsync();

        Host.Time.Advance(TimeSpan.FromMinutes(5));
        Assert.Contains("expired", await RefusalAsync(shortLived));
        var key = (await SessionAsync(defaultLived))["sessionKey"]!.GetValue<string>(); // 15 minutes by default

        Host.Time.Advance(TimeSpan.FromHours(8) - TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.OK, await ReadClinicAsync(key));
        Host.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.Unauthorized, await ReadClinicAsync(key));
    }

    [Fact]
    public async Task Revoking_ends_sessions_and_unused_links_and_later_links_work()
    {
        await Host.CreateClinicAsync("c1");
        await Host.CreateClinicAsync("c2");
        var key = (await SessionAsync(await IssueLinkTokenAsync()))["sessionKey"]!.GetValue<string>();
        var unused = await IssueLinkTokenAsync();
        var otherClinic = (await SessionAsync(await IssueLinkTokenAsync("c2")))["sessionKey"]!.GetValue<string>();
        Assert.Equal(HttpStatusCode.OK, await ReadClinicAsync(key)); // cached by now: revocation must reach the cache too

        Host.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.NoContent, (await Host.AdminSendAsync(HttpMethod.Delete, "/api/clinics/c1/staff-sessions")).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, await ReadClinicAsync(key));
        Assert.Contains("revoked", await RefusalAsync(unused));
        Assert.Equal(HttpStatusCode.OK, await ReadClinicAsync(otherClinic));
        Host.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.OK, await ReadClinicAsync((await SessionAsync(await IssueLinkTokenAsync()))["sessionKey"]!.GetValue<string>()));
    }

    [Fact]
    public async Task A_session_sees_only_its_own_clinic()
    {
        var c1 = await Host.CreateClinicAsync("c1");
        var c2 = await Host.CreateClinicAsync("c2");
        await Host.PostSessionOkAsync(c2, new { patientId = "p9", email = "cy@example.com", injectionDate = Host.DaysAgo(40) });
        var key = (await SessionAsync(await IssueLinkTokenAsync()))["sessionKey"]!.GetValue<string>();

        Assert.Equal(HttpStatusCode.NotFound, (await Host.SendAsync(HttpMethod.Get, "/api/patients/p9", key)).StatusCode);
        var own = (await (await Host.SendAsync(HttpMethod.Get, "/api/clinic", key)).Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("c1", own["clinic"]!["clinicId"]!.GetValue<string>());
        Assert.NotEqual(c1, key);
    }

    [Fact]
    public async Task Forged_altered_or_misused_tokens_are_refused_and_bad_requests_name_the_field()
    {
        await Host.CreateClinicAsync("c1");
        var token = await IssueLinkTokenAsync();

        Assert.Contains("not a sign-in link", await RefusalAsync(token[..^2] + (token[^2] == 'A' ? "BB" : "AA")));
        // A token sealed for another purpose (an email preview link) is no sign-in link.
        var preview = (await (await Host.AdminSendAsync(HttpMethod.Post, "/api/clinics/c1/preview-link")).Content.ReadFromJsonAsync<JsonObject>())!["url"]!.GetValue<string>();
        Assert.Contains("not a sign-in link", await RefusalAsync(preview[(preview.IndexOf("link=") + 5)..]));
        // The link itself is no session key, and a session key is no link.
        Assert.Equal(HttpStatusCode.Unauthorized, await ReadClinicAsync(token));
        Assert.Equal(HttpStatusCode.Unauthorized, await ReadClinicAsync("rt_" + token));
        var key = (await SessionAsync(token))["sessionKey"]!.GetValue<string>();
        Assert.Contains("not a sign-in link", await RefusalAsync(key[3..]));

        var missing = await Host.Client.PostAsJsonAsync("/api/staff-sessions", new { });
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.Equal("signInLink", Assert.Single((await missing.ProblemAsync())["errors"]!.AsObject()).Key);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await Host.Client.PostAsync("/api/staff-sessions", new StringContent(token))).StatusCode);

        using var noAdmin = new HttpRequestMessage(HttpMethod.Post, "/api/clinics/c1/sign-in-links");
        Assert.Equal(HttpStatusCode.Unauthorized, (await Host.Client.SendAsync(noAdmin)).StatusCode);
        foreach (var minutes in new[] { "0", "1441", "x", "5&minutes=6" })
        {
            var bad = await Host.AdminSendAsync(HttpMethod.Post, $"/api/clinics/c1/sign-in-links?minutes={minutes}");
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            Assert.Equal("minutes", Assert.Single((await bad.ProblemAsync())["errors"]!.AsObject()).Key);
        }
        Assert.Equal(HttpStatusCode.NotFound, (await Host.AdminSendAsync(HttpMethod.Post, "/api/clinics/nope/sign-in-links")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Host.AdminSendAsync(HttpMethod.Delete, "/api/clinics/nope/staff-sessions")).StatusCode);
    }
}

public sealed class ServerStaffSignInContractTests(Azurite azurite) : StaffSignInContractTests(azurite)
{
    protected override async Task<IApiHost> StartAsync(TestSettings settings, FakeTimeProvider time) => await ServerHost.StartAsync(settings, time);
}

public sealed class FunctionsStaffSignInContractTests(Azurite azurite) : StaffSignInContractTests(azurite)
{
    protected override async Task<IApiHost> StartAsync(TestSettings settings, FakeTimeProvider time) => await FunctionsHost.StartAsync(settings, time);
}
