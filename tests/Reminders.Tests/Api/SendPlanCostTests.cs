using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Reminders.Tests.Infrastructure;

namespace Reminders.Tests.Api;

/// <summary>
/// What a send-plan page costs in storage requests, counted by a <see cref="StorageGate"/> on the Server: naming the
/// patients of a page (include=firstName) reads each of them once, and nobody else: the cost follows the page, however
/// many patients the clinic has (a range query over the page's first to last patient would read them all).
/// </summary>
public sealed class SendPlanCostTests(Azurite azurite) : GatedServerTests(azurite)
{
    [Fact]
    public async Task Naming_a_page_reads_its_patients_once_each_and_no_other_patient()
    {
        var apiKey = await Host.CreateClinicAsync("c1");
        // Two patients due in the range, at the two ends of the key space, and 300 between them who are not.
        var batch = new[] { ("a0", 70), ("z9", 70) }.Concat(Enumerable.Range(0, 300).Select(i => ($"m{i:000}", 10)))
            .Select(p => new { patientId = p.Item1, email = $"{p.Item1}@example.com", firstName = "Name-" + p.Item1, injectionDate = Host.DaysAgo(p.Item2) });
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

        Assert.Equal(plain + 2, withNames);
        Assert.Equal(["a0 Name-a0", "z9 Name-z9"], named.Select(r => $"{r!["patientId"]} {r["firstName"]}").Order());
    }
    private async Task<int> CountPatientsRequestsAsync(Func<Task<HttpResponseMessage>> call)
    {
        var before = Gate.Calls.Count;
        Assert.Equal(HttpStatusCode.OK, (await call()).StatusCode);
        return Gate.Calls.Skip(before).Count(c => c.Touches(Host.Settings.TablePrefix + "Patients"));
    }
}
