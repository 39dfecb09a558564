using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using Reminders.Tests.Infrastructure;

namespace Reminders.Tests.Api;

/// <summary><c>POST /api/sessions/batch</c> over HTTP on both hosts.</summary>
public abstract class BatchRegistrationContractTests(Azurite azurite) : HostedApiTests(azurite)
{
    private Task<HttpResponseMessage> PostBatchAsync(string apiKey, string json)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/sessions/batch") { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Api-Key", apiKey);
        return Host.Client.SendAsync(request);
    }

    [Fact]
    public async Task Each_item_gets_its_own_result_in_order_and_a_bad_one_fails_no_other()
    {
        var apiKey = await Host.CreateClinicAsync("c1");
        await Host.PostSessionOkAsync(apiKey, new { patientId = "known", email = "known@example.com", injectionDate = Host.DaysAgo(80) });
        var d = Host.DaysAgo(10);
        var json = $$"""
            {"sessions": [
              {"patientId": "a", "email": "a@example.com", "injectionDate": "{{d}}"},
              {"patientId": 12345, "email": "b@example.com", "injectionDate": "{{d}}"},
              {"patientId": "c", "email": "not an address", "injectionDate": "{{d}}"},
              {"patientId": "twice", "email": "t@example.com", "injectionDate": "{{Host.DaysAgo(40)}}", "sessionId": "s1"},
              {"patientId": "twice", "email": "t@example.com", "injectionDate": "{{d}}", "sessionId": "s2"},
              {"patientId": "known", "email": "known@example.com", "injectionDate": "{{Host.DaysAgo(80)}}"},
              {"patientId": "e", "email": "e@example.com", "injectionDate": "{{d}}", "reliefDays": 120}
            ]}
            """;

        var response = await PostBatchAsync(apiKey, json);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        var results = body["results"]!.AsArray();
        Assert.Equal([201, 400, 400, 201, 201, 200, 201], results.Select(r => r!["status"]!.GetValue<int>()));
        Assert.NotNull(results[1]!["problem"]!["errors"]!["patientId"]);
        Assert.NotNull(results[2]!["problem"]!["errors"]!["email"]);
        Assert.Equal("Pending", results[0]!["session"]!["status"]!.GetValue<string>());
        Assert.Equal(120, results[6]!["session"]!["reliefDays"]!.GetValue<int>());
        Assert.Equal((4, 1, 2), (body["created"]!.GetValue<int>(), body["updated"]!.GetValue<int>(), body["failed"]!.GetValue<int>()));
        // Stored exactly as single registrations would be.
        Assert.Equal(2, (await Host.GetPatientAsync(apiKey, "twice"))!["sessions"]!.AsArray().Count);
        Assert.Null(await Host.GetPatientAsync(apiKey, "c"));
        var single = await Host.PostSessionAsync(apiKey, new { patientId = "a", email = "a@example.com", injectionDate = d });
        Assert.Equal(HttpStatusCode.OK, single.StatusCode); // it existed
    }

    [Fact]
    public async Task Five_hundred_new_patients_are_registered_and_the_due_ones_are_sent()
    {
        var apiKey = await Host.CreateClinicAsync("c1");
        var items = Enumerable.Range(0, 500).Select(i => new JsonObject
        {
            ["patientId"] = $"p{i:000}", ["email"] = $"p{i:000}@example.com", ["injectionDate"] = Host.DaysAgo(i % 10 == 0 ? 80 : 10),
        });
        var json = new JsonObject { ["sessions"] = new JsonArray(items.ToArray<JsonNode?>()) }.ToJsonString();

        var response = await PostBatchAsync(apiKey, json);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(500, body["created"]!.GetValue<int>());
        Assert.Equal(50, (await Host.SweepAsync()).Count("sent"));
        Assert.Equal("Sent", (await Host.GetPatientAsync(apiKey, "p000"))!.Status(Host.DaysAgo(80)));
        Assert.Equal("Pending", (await Host.GetPatientAsync(apiKey, "p001"))!.Status(Host.DaysAgo(10)));
    }

    [Theory]
    [InlineData("{}", "sessions")]
    [InlineData("{\"sessions\": []}", "sessions")]
    [InlineData("{\"sessions\": {}}", "sessions")]
    [InlineData("[1,2]", "sessions")]
    [InlineData("{\"sessions\": [", "body")]
    public async Task A_batch_body_of_the_wrong_shape_is_400_naming_the_field(string json, string field)
    {
        var apiKey = await Host.CreateClinicAsync("c1");
        var response = await PostBatchAsync(apiKey, json);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotNull((await response.ProblemAsync())["errors"]![field]);
    }

    [Fact]
    public async Task An_item_with_an_unknown_field_gets_its_own_400_naming_it_and_the_others_are_registered()
    {
        var apiKey = await Host.CreateClinicAsync("c1");
        var d = Host.DaysAgo(10);
        var json = $$"""
            {"sessions": [
              {"patientId": "a", "email": "a@example.com", "injectionDate": "{{d}}"},
              {"patientId": "b", "email": "b@example.com", "injectionDate": "{{d}}", "relief_days": 30},
              {"patientId": "c", "email": "c@example.com", "injectionDate": "{{d}}"}
            ]}
            """;

        var response = await PostBatchAsync(apiKey, json);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var results = (await response.Content.ReadFromJsonAsync<JsonObject>())!["results"]!.AsArray();
        Assert.Equal([201, 400, 201], results.Select(r => r!["status"]!.GetValue<int>()));
        Assert.Equal("Unknown field. Did you mean reliefDays?", results[1]!["problem"]!["errors"]!["relief_days"]![0]!.GetValue<string>());
        Assert.Null(await Host.GetPatientAsync(apiKey, "b"));
    }

    [Fact]
    public async Task An_unknown_field_beside_sessions_is_400_naming_it_and_registers_nothing()
    {
        var apiKey = await Host.CreateClinicAsync("c1");
        var json = $$"""{"sessions": [{"patientId": "a", "email": "a@example.com", "injectionDate": "{{Host.DaysAgo(10)}}"}], "reliefDays": 30}""";

        var response = await PostBatchAsync(apiKey, json);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotNull((await response.ProblemAsync())["errors"]!["reliefDays"]);
        Assert.Null(await Host.GetPatientAsync(apiKey, "a"));
    }

    [Fact]
    public async Task More_than_500_items_is_400_and_a_body_over_192_KiB_is_413()
    {
        var apiKey = await Host.CreateClinicAsync("c1");
        var tooMany = "{\"sessions\": [" + string.Join(",", Enumerable.Repeat("{}", 501)) + "]}";
        Assert.Equal(HttpStatusCode.BadRequest, (await PostBatchAsync(apiKey, tooMany)).StatusCode);
        var huge = "{\"sessions\": [{\"firstName\": \"" + new string('x', 200 * 1024) + "\"}]}";
        var response = await PostBatchAsync(apiKey, huge);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("body", (await response.ProblemAsync())["field"]!.GetValue<string>());
    }
}

public sealed class ServerBatchRegistrationContractTests(Azurite azurite) : BatchRegistrationContractTests(azurite)
{
    protected override async Task<IApiHost> StartAsync(TestSettings settings, FakeTimeProvider time) => await ServerHost.StartAsync(settings, time);
}

public sealed class FunctionsBatchRegistrationContractTests(Azurite azurite) : BatchRegistrationContractTests(azurite)
{
    protected override async Task<IApiHost> StartAsync(TestSettings settings, FakeTimeProvider time) => await FunctionsHost.StartAsync(settings, time);
}
