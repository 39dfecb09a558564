using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Reminders.Tests.Infrastructure;

namespace Reminders.Tests.Api;

/// <summary>
/// What a send-plan page costs in storage requests, counted by a <see cref="StorageGate"/> on the Server: naming the
/// patients of a page (include=firstName) is one range query, not a read per patient, however many there are.
/// </summary>
public sealed class SendPlanCostTests(Azurite azurite) : GatedServerTests(azurite)
{
    [Fact]
    public async Task Naming_forty_patients_costs_one_more_query_and_names_exactly_them()
    {
        var apiKey = await Host.CreateClinicAsync("c1");
        var batch = Enumerable.Range(0, 40).Select(i => new { patientId = $"p{i}", email = $"p{i}@example.com", firstName = $"Name{i}", injectionDate = Host.DaysAgo(70) })
            // Patients outside the range, and one in the key range but due outside it: neither is named or read one by one.
            .Append(new { patientId = "p1x", email = "x@example.com", firstName = "Outside", injectionDate = Host.DaysAgo(10) })
            .Append(new { patientId = "zz", email = "z@example.com", firstName = "Later", injectionDate = Host.DaysAgo(10) });
        Assert.Equal(HttpStatusCode.OK, (await Host.SendAsync(HttpMethod.Post, "/api/sessions/batch", apiKey, new { sessions = batch })).StatusCode);
        var range = $"from={Host.DaysAgo(0)}&to={Host.DaysAgo(-30)}";
        await Host.SendAsync(HttpMethod.Get, $"/api/reminders?{range}", apiKey); // warm: tables known, key cached

        var plain = await CountPatientsRequestsAsync(() => Host.SendAsync(HttpMethod.Get, $"/api/reminders?{range}", apiKey));
        JsonArray named = null!;
        var withNames = await CountPatientsRequestsAsync(async () =>
        {
            var response = await Host.SendAsync(HttpMethod.Get, $"/api/reminders?{range}&include=firstName", apiKey);
            named = (await response.Content.ReadFromJsonAsync<JsonObject>())!["reminders"]!.AsArray();
            return response;
        });

        Assert.Equal(plain + 1, withNames);
        Assert.Equal(40, named.Count);
        Assert.All(named, r => Assert.Equal("Name" + r!["patientId"]!.GetValue<string>()[1..], r["firstName"]!.GetValue<string>()));
    }

    private async Task<int> CountPatientsRequestsAsync(Func<Task<HttpResponseMessage>> call)
    {
        var before = Gate.Calls.Count;
        Assert.Equal(HttpStatusCode.OK, (await call()).StatusCode);
        return Gate.Calls.Skip(before).Count(c => c.Touches(Host.Settings.TablePrefix + "Patients"));
    }
}
