using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using Reminders.Tests.Infrastructure;

namespace Reminders.Tests.Api;

/// <summary>
/// The send plan's options on both hosts: <c>by=decided</c> finds reminders by the day they got their current status,
/// whenever they were dated (what the dashboard's recent outcomes read), with tokens that only continue the same kind
/// of query; <c>include=firstName</c> names each reminder's patient (what the dashboard's lists show).
/// </summary>
public abstract class SendPlanQueryContractTests(Azurite azurite) : HostedApiTests(azurite)
{
    private async Task<JsonObject> PageAsync(string apiKey, string query) =>
        (await (await Host.SendAsync(HttpMethod.Get, "/api/reminders?" + query, apiKey)).Content.ReadFromJsonAsync<JsonObject>())!;

    private static string[] Patients(JsonObject page) => page["reminders"]!.AsArray().Select(r => r!["patientId"]!.GetValue<string>()).Order().ToArray();

    [Fact]
    public async Task Reminders_are_found_by_the_day_they_were_decided_whenever_they_were_dated()
    {
        var apiKey = await Host.CreateClinicAsync("c1");
        await Host.PostSessionOkAsync(apiKey, new { patientId = "old", email = "a@example.com", injectionDate = Host.DaysAgo(200) }); // expired on arrival
        Host.Time.Advance(TimeSpan.FromDays(40));
        await Host.PostSessionOkAsync(apiKey, new { patientId = "late", email = "b@example.com", injectionDate = Host.DaysAgo(200) }); // dated ~4 months ago
        await Host.PostSessionOkAsync(apiKey, new { patientId = "new", email = "c@example.com", injectionDate = Host.DaysAgo(10) });   // planned today

        var recent = await PageAsync(apiKey, $"from={Host.DaysAgo(30)}&to={Host.DaysAgo(0)}&by=decided");
        Assert.Equal(["late", "new"], Patients(recent));
        var late = recent["reminders"]!.AsArray().Single(r => r!["patientId"]!.GetValue<string>() == "late")!;
        Assert.Equal("Expired", late["status"]!.GetValue<string>());
        Assert.Equal(Host.Time.GetUtcNow(), late["decidedAt"]!.GetValue<DateTimeOffset>());
        Assert.True(string.CompareOrdinal(late["reminderDate"]!.GetValue<string>(), Host.DaysAgo(100)) < 0);
        // By reminder date the same range holds neither expired session.
        Assert.Empty(Patients(await PageAsync(apiKey, $"from={Host.DaysAgo(30)}&to={Host.DaysAgo(0)}")));
        Assert.Equal(["old"], Patients(await PageAsync(apiKey, $"from={Host.DaysAgo(45)}&to={Host.DaysAgo(35)}&by=decided")));
    }

    [Fact]
    public async Task A_sent_reminder_replaced_by_a_corrected_date_stays_in_the_story_the_outcomes_read()
    {
        var apiKey = await Host.CreateClinicAsync("c1");
        await Host.PostSessionOkAsync(apiKey, new { patientId = "p1", email = "a@example.com", injectionDate = Host.DaysAgo(80), sessionId = "s1" });
        await Host.SweepAsync(); // due 4 days ago: sent now
        Host.Time.Advance(TimeSpan.FromDays(3));
        // The clinic corrects the injection date: a new reminder, in 19 days.
        await Host.PostSessionOkAsync(apiKey, new { patientId = "p1", email = "a@example.com", injectionDate = Host.DaysAgo(60), sessionId = "s1" });

        var session = Assert.Single((await PageAsync(apiKey, $"from={Host.DaysAgo(30)}&to={Host.DaysAgo(0)}&by=decided"))["reminders"]!.AsArray())!;
        Assert.Equal("Pending", session["status"]!.GetValue<string>());
        var sent = Assert.Single(session["earlierSteps"]!.AsArray())!;
        Assert.Equal("Sent", sent["status"]!.GetValue<string>());
        Assert.True(sent["replaced"]!.GetValue<bool>()); // not a step the sequence moved on from: the same step, re-planned
        Assert.Equal(Host.Time.GetUtcNow().AddDays(-3), sent["sentAt"]!.GetValue<DateTimeOffset>());
        Assert.False(string.IsNullOrEmpty(sent["messageId"]!.GetValue<string>()));
        Assert.Equal(Host.DaysAgo(7), sent["reminderDate"]!.GetValue<string>()); // the date it had, not the new one

        // Corrected back: the reminder is the one already sent, so it is skipped, naming that email (which the dashboard
        // shows once, as the earlier row); the story holds it once.
        await Host.PostSessionOkAsync(apiKey, new { patientId = "p1", email = "a@example.com", injectionDate = Host.DaysAgo(83), sessionId = "s1" });
        var back = (await Host.GetPatientAsync(apiKey, "p1"))!["sessions"]![0]!;
        Assert.Equal(("Skipped", "AlreadySent"), (back["status"]!.GetValue<string>(), back["reason"]!.GetValue<string>()));
        Assert.Equal(sent["reminderId"]!.GetValue<string>(), back["reminderId"]!.GetValue<string>());
        Assert.Single(back["earlierSteps"]!.AsArray());
    }

    [Fact]
    public async Task Include_firstName_names_each_reminders_patient_and_only_when_asked()
    {
        var apiKey = await Host.CreateClinicAsync("c1");
        await Host.PostSessionOkAsync(apiKey, new { patientId = "p1", email = "a@example.com", firstName = "Ana", injectionDate = Host.DaysAgo(70), sessionId = "s1" });
        await Host.PostSessionOkAsync(apiKey, new { patientId = "p1", email = "a@example.com", injectionDate = Host.DaysAgo(60), sessionId = "s2" });
        await Host.PostSessionOkAsync(apiKey, new { patientId = "p2", email = "b@example.com", injectionDate = Host.DaysAgo(70) });
        var range = $"from={Host.DaysAgo(0)}&to={Host.DaysAgo(-30)}";

        var named = (await PageAsync(apiKey, range + "&include=firstName"))["reminders"]!.AsArray();
        Assert.Equal(["p1 Ana", "p1 Ana", "p2 "], named.Select(r => $"{r!["patientId"]} {r["firstName"]?.GetValue<string>()}").Order());
        var plain = (await PageAsync(apiKey, range))["reminders"]!.AsArray();
        Assert.All(plain, r => Assert.Null(r!["firstName"]?.GetValue<string>()));

        var bad = await Host.SendAsync(HttpMethod.Get, $"/api/reminders?{range}&include=email", apiKey);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("include", Assert.Single((await bad.ProblemAsync())["errors"]!.AsObject()).Key);
    }

    [Fact]
    public async Task A_token_continues_only_the_kind_of_query_it_came_from_and_by_is_checked()
    {
        var apiKey = await Host.CreateClinicAsync("c1");
        await Host.PostSessionOkAsync(apiKey, new { patientId = "p1", email = "a@example.com", injectionDate = Host.DaysAgo(70) });
        await Host.PostSessionOkAsync(apiKey, new { patientId = "p2", email = "b@example.com", injectionDate = Host.DaysAgo(70) });
        var range = $"from={Host.DaysAgo(0)}&to={Host.DaysAgo(0)}";

        var first = await PageAsync(apiKey, range + "&by=decided&pageSize=1");
        var token = Uri.EscapeDataString(first["continuationToken"]!.GetValue<string>());
        Assert.Single(Patients(await PageAsync(apiKey, range + $"&by=decided&pageSize=1&continuationToken={token}")));
        var crossed = await Host.SendAsync(HttpMethod.Get, $"/api/reminders?{range}&pageSize=1&continuationToken={token}", apiKey);
        Assert.Equal(HttpStatusCode.BadRequest, crossed.StatusCode);
        Assert.NotNull((await crossed.ProblemAsync())["errors"]!["continuationToken"]);

        // Dates at the calendar's ends, where a day's start in the clinic's zone or the day after does not exist.
        foreach (var (dates, field) in new[] { ("from=9999-12-30&to=9999-12-31", "from"), ("from=0001-01-01&to=0001-01-02", "from") })
        {
            var edge = await Host.SendAsync(HttpMethod.Get, $"/api/reminders?{dates}&by=decided", apiKey);
            Assert.Equal(HttpStatusCode.BadRequest, edge.StatusCode);
            Assert.Contains(field, (await edge.ProblemAsync())["errors"]!.AsObject().Select(e => e.Key));
        }

        foreach (var by in new[] { "sent", "decided&by=decided", "" })
        {
            var bad = await Host.SendAsync(HttpMethod.Get, $"/api/reminders?{range}&by={by}", apiKey);
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            Assert.Equal("by", Assert.Single((await bad.ProblemAsync())["errors"]!.AsObject()).Key);
        }
    }
}

public sealed class ServerSendPlanQueryContractTests(Azurite azurite) : SendPlanQueryContractTests(azurite)
{
    protected override async Task<IApiHost> StartAsync(TestSettings settings, FakeTimeProvider time) => await ServerHost.StartAsync(settings, time);
}

public sealed class FunctionsSendPlanQueryContractTests(Azurite azurite) : SendPlanQueryContractTests(azurite)
{
    protected override async Task<IApiHost> StartAsync(TestSettings settings, FakeTimeProvider time) => await FunctionsHost.StartAsync(settings, time);
}
