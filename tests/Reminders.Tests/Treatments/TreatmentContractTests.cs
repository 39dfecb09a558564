using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using Reminders.Tests.Infrastructure;

namespace Reminders.Tests.Treatments;

/// <summary>Treatments over HTTP on both hosts: set by the admin, read by the clinic, named by sessions, and explained on each session.</summary>
public abstract class TreatmentContractTests(Azurite azurite) : HostedApiTests(azurite)
{
    private async Task<HttpResponseMessage> PutTreatmentAsync(string clinicId, string treatmentId, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, $"/api/clinics/{clinicId}/treatments/{treatmentId}") { Content = JsonContent.Create(body) };
        request.Headers.Add("X-Admin-Key", TestSettings.AdminKey);
        return await Host.Client.SendAsync(request);
    }

    [Fact]
    public async Task A_session_names_a_treatment_and_the_patient_view_says_which_relief_estimate_planned_it()
    {
        var apiKey = await Host.CreateClinicAsync("c1");
        Assert.Equal(HttpStatusCode.Created,
            (await PutTreatmentAsync("c1", "botox", new { name = "Botulinum toxin, lumbar", reliefDays = 98, minReliefDays = 84, maxReliefDays = 180 })).StatusCode);

        await Host.PostSessionOkAsync(apiKey, new { patientId = "p1", email = "ana@example.com", injectionDate = Host.DaysAgo(10), sessionId = "s1", treatmentId = "botox" });
        var session = (await Host.GetPatientAsync(apiKey, "p1"))!["sessions"]![0]!;

        Assert.Equal("botox", session["treatmentId"]!.GetValue<string>());
        Assert.Equal(98, session["reliefEstimate"]!["days"]!.GetValue<int>());
        Assert.Equal("treatment", session["reliefEstimate"]!["source"]!.GetValue<string>());
        Assert.Equal("the default of treatment botox", session["reliefEstimate"]!["basis"]!.GetValue<string>());
        var listed = await (await Host.SendAsync(HttpMethod.Get, "/api/clinics/c1/treatments", apiKey)).Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal("botox", Assert.Single(listed!["treatments"]!.AsArray())!["treatmentId"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_unknown_treatment_or_a_relief_outside_its_guardrails_is_400_naming_the_field_alone_and_in_a_batch()
    {
        var apiKey = await Host.CreateClinicAsync("c1");
        await PutTreatmentAsync("c1", "botox", new { name = "Botox", minReliefDays = 84, maxReliefDays = 180 });

        var unknown = await Host.PostSessionAsync(apiKey, new { patientId = "p1", email = "ana@example.com", injectionDate = Host.DaysAgo(10), treatmentId = "laser" });
        var tooShort = await Host.PostSessionAsync(apiKey, new { patientId = "p1", email = "ana@example.com", injectionDate = Host.DaysAgo(10), treatmentId = "botox", reliefDays = 60 });
        var batch = await Host.SendAsync(HttpMethod.Post, "/api/sessions/batch", apiKey, new
        {
            sessions = new object[]
            {
                new { patientId = "p2", email = "bo@example.com", injectionDate = Host.DaysAgo(10), treatmentId = "laser" },
                new { patientId = "p3", email = "cy@example.com", injectionDate = Host.DaysAgo(10), treatmentId = "botox" },
            },
        });

        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Contains("treatmentId", (await unknown.ProblemAsync())["errors"]!.AsObject().Select(e => e.Key));
        Assert.Equal(HttpStatusCode.BadRequest, tooShort.StatusCode);
        Assert.Contains("reliefDays", (await tooShort.ProblemAsync())["errors"]!.AsObject().Select(e => e.Key));
        var results = (await batch.Content.ReadFromJsonAsync<JsonObject>())!["results"]!.AsArray();
        Assert.Equal(400, results[0]!["status"]!.GetValue<int>());
        Assert.Contains("treatmentId", results[0]!["problem"]!["errors"]!.AsObject().Select(e => e.Key));
        Assert.Equal(201, results[1]!["status"]!.GetValue<int>());
        Assert.Null(await Host.GetPatientAsync(apiKey, "p1"));
    }

    [Fact]
    public async Task Guardrails_are_checked_and_another_clinic_cannot_read_a_clinics_treatments()
    {
        var apiKey = await Host.CreateClinicAsync("c1");
        var other = await Host.CreateClinicAsync("c2");

        var inverted = await PutTreatmentAsync("c1", "botox", new { name = "Botox", minReliefDays = 180, maxReliefDays = 84 });
        var outside = await PutTreatmentAsync("c1", "botox", new { name = "Botox", reliefDays = 60, minReliefDays = 84 });
        await PutTreatmentAsync("c1", "botox", new { name = "Botox" });

        Assert.Contains("maxReliefDays", (await inverted.ProblemAsync())["errors"]!.AsObject().Select(e => e.Key));
        Assert.Contains("reliefDays", (await outside.ProblemAsync())["errors"]!.AsObject().Select(e => e.Key));
        Assert.Equal(HttpStatusCode.OK, (await Host.SendAsync(HttpMethod.Get, "/api/clinics/c1/treatments/botox", apiKey)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Host.SendAsync(HttpMethod.Get, "/api/clinics/c1/treatments/botox", other)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Host.SendAsync(HttpMethod.Get, "/api/clinics/c1/treatments", other)).StatusCode);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("[-14, 7, 14, 21, 28, 35]")]
    [InlineData("[7, -14]")]
    [InlineData("[-14, -14]")]
    [InlineData("[-90, 7]")]
    [InlineData("[-14, 61]")]
    [InlineData("\"-14,7\"")]
    public async Task A_bad_reminder_sequence_is_400_naming_reminderSteps_and_nothing_is_saved(string steps)
    {
        var apiKey = await Host.CreateClinicAsync("c1");

        using var request = new HttpRequestMessage(HttpMethod.Put, "/api/clinics/c1/treatments/botox")
        {
            Content = new StringContent($$"""{"name": "Botox", "minReliefDays": 84, "reminderSteps": {{steps}}}""", System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-Admin-Key", TestSettings.AdminKey);
        var response = await Host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("reminderSteps", (await response.ProblemAsync())["errors"]!.AsObject().Select(e => e.Key));
        Assert.Equal(HttpStatusCode.NotFound, (await Host.SendAsync(HttpMethod.Get, "/api/clinics/c1/treatments/botox", apiKey)).StatusCode);
    }

    [Fact]
    public async Task A_treatment_shows_its_sequence_and_a_session_shows_its_step()
    {
        var apiKey = await Host.CreateClinicAsync("c1");
        var defaulted = await PutTreatmentAsync("c1", "botox", new { name = "Botox" });
        await PutTreatmentAsync("c1", "physio", new { name = "Physio", minReliefDays = 30, reminderSteps = new[] { -7, 0, 10 } });

        Assert.Equal("[-14,7]", (await defaulted.Content.ReadFromJsonAsync<JsonObject>())!["reminderSteps"]!.ToJsonString());
        var physio = await (await Host.SendAsync(HttpMethod.Get, "/api/clinics/c1/treatments/physio", apiKey)).Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal("[-7,0,10]", physio!["reminderSteps"]!.ToJsonString());
        await Host.PostSessionOkAsync(apiKey, new { patientId = "p1", email = "ana@example.com", injectionDate = Host.DaysAgo(10), sessionId = "s1", treatmentId = "physio" });
        var session = (await Host.GetPatientAsync(apiKey, "p1"))!["sessions"]![0]!;
        Assert.Equal((1, 3, 0), (session["step"]!.GetValue<int>(), session["steps"]!.GetValue<int>(), session["earlierSteps"]!.AsArray().Count));
    }

    [Fact]
    public async Task A_clinics_default_treatment_is_given_to_sessions_that_name_none_and_must_exist()
    {
        var apiKey = await Host.CreateClinicAsync("c1");
        var settings = new Dictionary<string, object?>
        {
            ["name"] = "Clínica Lumbar c1", ["timeZone"] = "Europe/Madrid", ["bookingUrl"] = "https://c1.example.com/book", ["defaultTreatmentId"] = "botox",
        };

        var unknown = await Host.PutClinicAsync("c1", settings);
        await PutTreatmentAsync("c1", "botox", new { name = "Botox", reliefDays = 98, minReliefDays = 84 });
        var set = await Host.PutClinicAsync("c1", settings);
        await Host.PostSessionOkAsync(apiKey, new { patientId = "p1", email = "ana@example.com", injectionDate = Host.DaysAgo(10), sessionId = "s1" });

        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Equal("defaultTreatmentId", Assert.Single((await unknown.ProblemAsync())["errors"]!.AsObject()).Key);
        Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        Assert.Equal("botox", (await set.Content.ReadFromJsonAsync<JsonObject>())!["defaultTreatmentId"]!.GetValue<string>());
        var session = (await Host.GetPatientAsync(apiKey, "p1"))!["sessions"]![0]!;
        Assert.Equal(("botox", 98, 2), (session["treatmentId"]!.GetValue<string>(), session["reliefDays"]!.GetValue<int>(), session["steps"]!.GetValue<int>()));
    }
}

public sealed class ServerTreatmentContractTests(Azurite azurite) : TreatmentContractTests(azurite)
{
    protected override async Task<IApiHost> StartAsync(TestSettings settings, FakeTimeProvider time) => await ServerHost.StartAsync(settings, time);
}

public sealed class FunctionsTreatmentContractTests(Azurite azurite) : TreatmentContractTests(azurite)
{
    protected override async Task<IApiHost> StartAsync(TestSettings settings, FakeTimeProvider time) => await FunctionsHost.StartAsync(settings, time);
}
