using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using Reminders.Tests.Infrastructure;

namespace Reminders.Tests.Stats;

/// <summary>The rebooking statistics over HTTP on both hosts: the figures a clinic sees, no ids in them, one clinic's only, bad ranges 400.</summary>
public abstract class StatsContractTests(Azurite azurite) : HostedApiTests(azurite)
{
    [Fact]
    public async Task A_clinic_sees_its_own_reminded_and_rebooked_patients_and_no_ids()
    {
        var apiKey = await Host.CreateClinicAsync("c1");
        var otherKey = await Host.CreateClinicAsync("c2");
        await Host.PostSessionOkAsync(apiKey, new { patientId = "patient-4711", email = "ana@example.com", injectionDate = Host.DaysAgo(80), sessionId = "visit-one" });
        await Host.PostSessionOkAsync(otherKey, new { patientId = "patient-9", email = "bo@example.com", injectionDate = Host.DaysAgo(80), sessionId = "visit-one" });
        Assert.Equal(2, (await Host.SweepAsync()).Count("sent"));
        await Host.PostSessionOkAsync(apiKey, new { patientId = "patient-4711", email = "ana@example.com", injectionDate = Host.DaysAgo(0), sessionId = "visit-two" });

        var response = await Host.SendAsync(HttpMethod.Get, "/api/stats", apiKey);
        var text = await response.Content.ReadAsStringAsync();
        var stats = JsonNode.Parse(text)!.AsObject();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal((1, 1, 1, 1, 0.0), (stats["remindersSent"]!.GetValue<int>(), stats["patientsReminded"]!.GetValue<int>(),
            stats["rebookedWithin30Days"]!.GetValue<int>(), stats["rebookedWithin60Days"]!.GetValue<int>(), stats["medianDaysToRebook"]!.GetValue<double>()));
        Assert.Equal("none", stats["byTreatment"]![0]!["key"]!.GetValue<string>());
        Assert.Equal("none", stats["byCheckIn"]![0]!["key"]!.GetValue<string>());
        foreach (var id in new[] { "patient-4711", "visit-one", "visit-two", "ana@" }) Assert.DoesNotContain(id, text);
    }

    [Theory]
    [InlineData("from=2026-02-30", "from")]
    [InlineData("from=2026-06-01&to=2026-05-01", "to")]
    [InlineData("from=2025-01-01&to=2026-06-01", "to")]
    [InlineData("to=2026-06-01&to=2026-06-02", "to")]
    public async Task A_bad_range_is_400_naming_the_field(string query, string field)
    {
        var apiKey = await Host.CreateClinicAsync("c1");

        var response = await Host.SendAsync(HttpMethod.Get, "/api/stats?" + query, apiKey);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(field, Assert.Single((await response.ProblemAsync())["errors"]!.AsObject()).Key);
    }
}

public sealed class ServerStatsContractTests(Azurite azurite) : StatsContractTests(azurite)
{
    protected override async Task<IApiHost> StartAsync(TestSettings settings, FakeTimeProvider time) => await ServerHost.StartAsync(settings, time);
}

public sealed class FunctionsStatsContractTests(Azurite azurite) : StatsContractTests(azurite)
{
    protected override async Task<IApiHost> StartAsync(TestSettings settings, FakeTimeProvider time) => await FunctionsHost.StartAsync(settings, time);
}
