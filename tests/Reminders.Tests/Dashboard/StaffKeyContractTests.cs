using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using Reminders.Tests.Infrastructure;

namespace Reminders.Tests.Dashboard;

/// <summary>
/// The read-mostly staff key on both hosts: it reads the send plan, outcomes, patients, statistics, treatments and
/// the preview, and cancels a session; every other clinic call answers it 403 and changes nothing. Its scheme is
/// proven by its hash: edited into an integration key, it is no key at all.
/// </summary>
public abstract class StaffKeyContractTests(Azurite azurite) : HostedApiTests(azurite)
{
    private async Task<(string Integration, string Staff)> ClinicWithStaffKeyAsync()
    {
        var integration = await Host.CreateClinicAsync("c1");
        await Host.PostSessionOkAsync(integration, new { patientId = "p1", email = "ana@example.com", injectionDate = Host.DaysAgo(80), sessionId = "s1" });
        await Host.PostSessionOkAsync(integration, new { patientId = "p1", email = "ana@example.com", injectionDate = Host.DaysAgo(40), sessionId = "s2" });
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/clinics/c1/keys?scope=staff");
        request.Headers.Add("X-Admin-Key", TestSettings.AdminKey);
        var issued = await Host.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Created, issued.StatusCode);
        var key = (await issued.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("staff", key["scope"]!.GetValue<string>());
        Assert.StartsWith("rs_", key["apiKey"]!.GetValue<string>());
        return (integration, key["apiKey"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_staff_key_reads_and_cancels_a_session()
    {
        var (_, staff) = await ClinicWithStaffKeyAsync();
        var range = $"from={Host.DaysAgo(0)}&to={Host.DaysAgo(-80)}";

        foreach (var path in new[] { "/api/clinic", "/api/patients/p1", $"/api/reminders?{range}", "/api/stats", "/api/email-preview", "/api/clinics/c1/treatments" })
            Assert.True(HttpStatusCode.OK == (await Host.SendAsync(HttpMethod.Get, path, staff)).StatusCode, path);
        Assert.Equal(HttpStatusCode.NoContent, (await Host.SendAsync(HttpMethod.Delete, "/api/patients/p1/sessions/s2", staff)).StatusCode);

        var patient = (await Host.GetPatientAsync(staff, "p1"))!;
        Assert.Contains(patient["sessions"]!.AsArray(), s => s!["sessionId"]!.GetValue<string>() == "s2" && s["cancelled"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Everything_else_answers_a_staff_key_403_and_changes_nothing()
    {
        var (integration, staff) = await ClinicWithStaffKeyAsync();
        var before = (await Host.GetPatientAsync(integration, "p1"))!.ToJsonString();

        (HttpMethod Method, string Path, object? Body)[] refused =
        [
            (HttpMethod.Post, "/api/sessions", new { patientId = "p2", email = "bo@example.com", injectionDate = Host.DaysAgo(5) }),
            (HttpMethod.Post, "/api/sessions/batch", new { sessions = new[] { new { patientId = "p3", email = "cy@example.com", injectionDate = Host.DaysAgo(5) } } }),
            (HttpMethod.Delete, "/api/patients/p1", null),
            (HttpMethod.Delete, "/api/patients/p1/bounce", null),
            (HttpMethod.Put, "/api/patients/p1/bookings/b1", new { date = Host.DaysAgo(-7) }),
            (HttpMethod.Delete, "/api/patients/p1/bookings/b1", null),
            (HttpMethod.Get, "/api/webhooks", null),
            (HttpMethod.Put, "/api/webhooks", new { url = "https://hooks.example.com/r" }),
        ];
        foreach (var (method, path, body) in refused)
        {
            var response = await Host.SendAsync(method, path, staff, body);
            Assert.True(HttpStatusCode.Forbidden == response.StatusCode, $"{method} {path}: {(int)response.StatusCode}");
            Assert.Contains("staff key", (await response.ProblemAsync())["detail"]!.GetValue<string>());
        }

        Assert.Equal(before, (await Host.GetPatientAsync(integration, "p1"))!.ToJsonString());
        Assert.Null(await Host.GetPatientAsync(integration, "p2"));
        Assert.Null(await Host.GetPatientAsync(integration, "p3"));
    }

    [Fact]
    public async Task A_staff_key_edited_into_an_integration_key_is_no_key_and_the_listing_shows_the_scope()
    {
        var (_, staff) = await ClinicWithStaffKeyAsync();

        var edited = "rk_" + staff[3..];
        Assert.Equal(HttpStatusCode.Unauthorized, (await Host.SendAsync(HttpMethod.Post, "/api/sessions", edited,
            new { patientId = "p2", email = "bo@example.com", injectionDate = Host.DaysAgo(5) })).StatusCode);
        using var list = new HttpRequestMessage(HttpMethod.Get, "/api/clinics/c1/keys");
        list.Headers.Add("X-Admin-Key", TestSettings.AdminKey);
        var keys = (await (await Host.Client.SendAsync(list)).Content.ReadFromJsonAsync<JsonObject>())!["keys"]!.AsArray();
        Assert.Equal(["integration", "staff"], keys.Select(k => k!["scope"]!.GetValue<string>()).Order());
        Assert.Contains(keys, k => k!["prefix"]!.GetValue<string>() == staff[..11]);

        using var bad = new HttpRequestMessage(HttpMethod.Post, "/api/clinics/c1/keys?scope=owner");
        bad.Headers.Add("X-Admin-Key", TestSettings.AdminKey);
        var refused = await Host.Client.SendAsync(bad);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal("scope", Assert.Single((await refused.ProblemAsync())["errors"]!.AsObject()).Key);
    }
}

public sealed class ServerStaffKeyContractTests(Azurite azurite) : StaffKeyContractTests(azurite)
{
    protected override async Task<IApiHost> StartAsync(TestSettings settings, FakeTimeProvider time) => await ServerHost.StartAsync(settings, time);
}

public sealed class FunctionsStaffKeyContractTests(Azurite azurite) : StaffKeyContractTests(azurite)
{
    protected override async Task<IApiHost> StartAsync(TestSettings settings, FakeTimeProvider time) => await FunctionsHost.StartAsync(settings, time);
}
