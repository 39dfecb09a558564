using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using Reminders.Tests.Infrastructure;

namespace Reminders.Tests.Api;

/// <summary>
/// ACS delivery reports through Event Grid, end to end over HTTP on both hosts: both handshakes, both schemas, every
/// delivery state, duplicates and out-of-order events, the secret, malformed events, and bounce suppression.
/// </summary>
public abstract class DeliveryReportContractTests(Azurite azurite) : HostedApiTests(azurite)
{
    private const string Topic = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Communication/communicationServices/acs-reminders";
    private const string Sender = "DoNotReply@clinic.test";
    private const string EventsPath = "/api/events/email?secret=" + TestSettings.EventGridSecret;
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    /// <summary>Registers a due session and sweeps it out; returns the reminder id (the ACS operation id, the report's messageId).</summary>
    private async Task<string> SentAsync(string apiKey, string patientId = "p1", string email = "ana@example.com", string sessionId = "s1", int daysAgo = 80)
    {
        await Host.PostSessionOkAsync(apiKey, new { patientId, email, injectionDate = Host.DaysAgo(daysAgo), sessionId });
        Assert.Equal(1, (await Host.SweepAsync()).Count("sent"));
        return Session(await Host.GetPatientAsync(apiKey, patientId), sessionId)["reminderId"]!.GetValue<string>();
    }

    private static JsonObject Session(JsonObject? patient, string sessionId) =>
        patient!["sessions"]!.AsArray().Single(s => s!["sessionId"]!.GetValue<string>() == sessionId)!.AsObject();

    private async Task<JsonObject?> DeliveryAsync(string apiKey, string patientId = "p1", string sessionId = "s1") =>
        Session(await Host.GetPatientAsync(apiKey, patientId), sessionId)["delivery"]?.AsObject();

    private static JsonObject ReportData(string messageId, string status, DateTimeOffset at, string recipient = "ana@example.com", string? message = null) => new()
    {
        ["sender"] = Sender,
        ["recipient"] = recipient,
        ["messageId"] = messageId,
        ["status"] = status,
        ["deliveryStatusDetails"] = new JsonObject { ["statusMessage"] = message ?? $"Status {status}." },
        ["deliveryAttemptTimestamp"] = at.ToString("O"),
    };

    /// <summary>An event in the Event Grid schema, as Event Grid delivers a system topic's event.</summary>
    private static JsonObject EventGridEvent(string messageId, string status, DateTimeOffset at, string recipient = "ana@example.com", string? message = null) => new()
    {
        ["id"] = Guid.NewGuid().ToString(),
        ["topic"] = Topic,
        ["subject"] = $"sender/{Sender}/message/{messageId}",
        ["eventType"] = "Microsoft.Communication.EmailDeliveryReportReceived",
        ["eventTime"] = at.ToString("O"),
        ["data"] = ReportData(messageId, status, at, recipient, message),
        ["dataVersion"] = "1.0",
        ["metadataVersion"] = "1",
    };

    /// <summary>The same report as a CloudEvent 1.0.</summary>
    private static JsonObject CloudEvent(string messageId, string status, DateTimeOffset at, string recipient = "ana@example.com") => new()
    {
        ["id"] = Guid.NewGuid().ToString(),
        ["source"] = Topic,
        ["subject"] = $"sender/{Sender}/message/{messageId}",
        ["type"] = "Microsoft.Communication.EmailDeliveryReportReceived",
        ["time"] = at.ToString("O"),
        ["specversion"] = "1.0",
        ["datacontenttype"] = "application/json",
        ["data"] = ReportData(messageId, status, at, recipient),
    };

    private async Task<HttpResponseMessage> PostAsync(JsonNode body, string contentType = "application/json", string path = EventsPath) =>
        await Host.Client.PostAsync(path, new StringContent(body.ToJsonString(), Encoding.UTF8, contentType));

    private async Task<JsonObject> PostOkAsync(JsonNode body, string contentType = "application/json")
    {
        var response = await PostAsync(body, contentType);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    [Fact]
    public async Task The_subscription_validation_event_is_answered_with_its_code()
    {
        var validation = new JsonArray(new JsonObject
        {
            ["id"] = Guid.NewGuid().ToString(), ["topic"] = Topic, ["subject"] = "",
            ["eventType"] = "Microsoft.EventGrid.SubscriptionValidationEvent", ["eventTime"] = T0.ToString("O"),
            ["data"] = new JsonObject { ["validationCode"] = "512d38b6-c7b8-40c8-89fe-f46f9e9622b6", ["validationUrl"] = "https://rp-eastus2.eventgrid.azure.net/api/subscriptions/x/validate?id=y" },
            ["dataVersion"] = "2", ["metadataVersion"] = "1",
        });

        var answer = await PostOkAsync(validation);

        Assert.Equal("512d38b6-c7b8-40c8-89fe-f46f9e9622b6", answer["validationResponse"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_cloudevents_abuse_protection_handshake_echoes_the_origin()
    {
        using var request = new HttpRequestMessage(HttpMethod.Options, EventsPath);
        request.Headers.Add("WebHook-Request-Origin", "eventgrid.azure.net");
        var response = await Host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("eventgrid.azure.net", response.Headers.GetValues("WebHook-Allowed-Origin").Single());
        Assert.Equal("*", response.Headers.GetValues("WebHook-Allowed-Rate").Single());

        using var wrong = new HttpRequestMessage(HttpMethod.Options, "/api/events/email?secret=nope");
        wrong.Headers.Add("WebHook-Request-Origin", "eventgrid.azure.net");
        Assert.Equal(HttpStatusCode.Unauthorized, (await Host.Client.SendAsync(wrong)).StatusCode);

        using var noOrigin = new HttpRequestMessage(HttpMethod.Options, EventsPath);
        Assert.Equal(HttpStatusCode.BadRequest, (await Host.Client.SendAsync(noOrigin)).StatusCode);
    }

    [Fact]
    public async Task Each_delivery_state_is_stored_and_shown_on_the_patient_and_the_send_plan()
    {
        var apiKey = await Host.CreateClinicAsync("c1");
        var id = await SentAsync(apiKey);
        Assert.Null(await DeliveryAsync(apiKey));

        string[] states = ["Expanded", "Quarantined", "FilteredSpam", "Failed", "Suppressed", "Bounced", "Delivered"];
        for (var i = 0; i < states.Length; i++)
        {
            var at = T0.AddMinutes(i);
            var outcome = await PostOkAsync(new JsonArray(EventGridEvent(id, states[i], at, message: "Mailbox <ana@example.com> said: 550 5.1.1 user unknown")));
            Assert.Equal(1, outcome["recorded"]!.GetValue<int>());

            var delivery = (await DeliveryAsync(apiKey))!;
            Assert.Equal(states[i], delivery["status"]!.GetValue<string>());
            Assert.Equal(at, delivery["at"]!.GetValue<DateTimeOffset>());
            var reason = delivery["reason"]!.GetValue<string>();
            Assert.DoesNotContain("ana@", reason);
            Assert.Contains("550 5.1.1 user unknown", reason);
        }

        var plan = await Host.SendAsync(HttpMethod.Get, $"/api/reminders?from={Host.DaysAgo(30)}&to={Host.DaysAgo(-30)}", apiKey);
        Assert.Equal(HttpStatusCode.OK, plan.StatusCode);
        var reminder = Assert.Single(await plan.PlanPageAsync())!;
        Assert.Equal("Delivered", reminder["delivery"]!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task CloudEvents_single_and_batch_are_taken()
    {
        var apiKey = await Host.CreateClinicAsync("c1");
        var id = await SentAsync(apiKey);

        await PostOkAsync(CloudEvent(id, "Expanded", T0), "application/cloudevents+json");
        Assert.Equal("Expanded", (await DeliveryAsync(apiKey))!["status"]!.GetValue<string>());

        var batch = await PostOkAsync(new JsonArray(CloudEvent(id, "Delivered", T0.AddMinutes(2)), CloudEvent(id, "Quarantined", T0.AddMinutes(1))),
            "application/cloudevents-batch+json");

        Assert.Equal(2, batch["events"]!.GetValue<int>());
        Assert.Equal("Delivered", (await DeliveryAsync(apiKey))!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_latest_by_event_time_wins_and_duplicates_change_nothing()
    {
        var apiKey = await Host.CreateClinicAsync("c1");
        var id = await SentAsync(apiKey);
        var bounced = EventGridEvent(id, "Bounced", T0.AddMinutes(5));

        await PostOkAsync(new JsonArray(bounced.DeepClone()));
        var older = await PostOkAsync(new JsonArray(EventGridEvent(id, "Delivered", T0)));
        var duplicate = await PostOkAsync(new JsonArray(bounced.DeepClone()));

        Assert.Equal(1, older["unchanged"]!.GetValue<int>());
        Assert.Equal(0, duplicate["recorded"]!.GetValue<int>());
        Assert.Equal(1, duplicate["unchanged"]!.GetValue<int>());
        var delivery = (await DeliveryAsync(apiKey))!;
        Assert.Equal("Bounced", delivery["status"]!.GetValue<string>());
        Assert.Equal(T0.AddMinutes(5), delivery["at"]!.GetValue<DateTimeOffset>());
    }

    [Fact]
    public async Task Reports_racing_for_one_reminder_end_at_the_latest()
    {
        var apiKey = await Host.CreateClinicAsync("c1");
        var id = await SentAsync(apiKey);
        string[] states = ["Expanded", "Delivered", "Quarantined", "FilteredSpam", "Failed"];

        // Concurrent writers to one ledger row: each update is ETag-conditional and read again on 412.
        var posts = Enumerable.Range(0, 10).Select(i => PostOkAsync(new JsonArray(EventGridEvent(id, states[i % states.Length], T0.AddSeconds(i)))));
        var outcomes = await Task.WhenAll(posts);

        var delivery = (await DeliveryAsync(apiKey))!;
        Assert.Equal(states[9 % states.Length], delivery["status"]!.GetValue<string>());
        Assert.Equal(T0.AddSeconds(9), delivery["at"]!.GetValue<DateTimeOffset>());
        Assert.Equal(10, outcomes.Sum(o => o["recorded"]!.GetValue<int>() + o["unchanged"]!.GetValue<int>()));
    }

    [Fact]
    public async Task A_wrong_or_missing_secret_is_401_and_changes_nothing()
    {
        var apiKey = await Host.CreateClinicAsync("c1");
        var id = await SentAsync(apiKey);
        var events = new JsonArray(EventGridEvent(id, "Bounced", T0));

        var wrong = await PostAsync(events, path: "/api/events/email?secret=not-the-secret");
        var missing = await PostAsync(events, path: "/api/events/email");

        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
        Assert.Equal(401, (await wrong.ProblemAsync())["status"]!.GetValue<int>());
        Assert.Null(await DeliveryAsync(apiKey));
        Assert.False((await Host.GetPatientAsync(apiKey, "p1"))!["bounced"]!.GetValue<bool>());
    }

    [Fact]
    public async Task A_malformed_event_is_400_and_nothing_in_the_batch_is_applied()
    {
        var apiKey = await Host.CreateClinicAsync("c1");
        var id = await SentAsync(apiKey);
        var broken = EventGridEvent(id, "Delivered", T0);
        broken["data"]!.AsObject().Remove("messageId");

        var batch = await PostAsync(new JsonArray(EventGridEvent(id, "Bounced", T0), broken));
        var notJson = await PostAsync(JsonValue.Create("x")!, "application/json");
        var garbage = await Host.Client.PostAsync(EventsPath, new StringContent("[{\"id\":", Encoding.UTF8, "application/json"));
        var noType = await PostAsync(new JsonArray(new JsonObject { ["id"] = "1", ["data"] = new JsonObject() }));

        Assert.Equal(HttpStatusCode.BadRequest, batch.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, notJson.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, garbage.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, noType.StatusCode);
        Assert.Null(await DeliveryAsync(apiKey));
        Assert.False((await Host.GetPatientAsync(apiKey, "p1"))!["bounced"]!.GetValue<bool>());
    }

    [Fact]
    public async Task A_report_for_an_unknown_message_is_taken_and_ignored()
    {
        var outcome = await PostOkAsync(new JsonArray(EventGridEvent(Guid.NewGuid().ToString(), "Delivered", T0), EventGridEvent("not-ours", "Bounced", T0)));

        Assert.Equal(2, outcome["unmatched"]!.GetValue<int>());
        Assert.Equal(0, outcome["recorded"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_bounce_stops_that_clinics_reminders_to_the_address_until_lifted_or_a_new_address()
    {
        // Several emails to one patient within days: no frequency cap here (it has its own tests).
        var c1 = await Host.CreateClinicAsync("c1", new() { ["frequencyCapDays"] = 0 });
        var c2 = await Host.CreateClinicAsync("c2");
        var id = await SentAsync(c1, email: "Ana@Example.com");

        var bounce = EventGridEvent(id, "Bounced", T0, recipient: "ana@example.com");
        await PostOkAsync(new JsonArray(bounce.DeepClone()));
        Assert.True((await Host.GetPatientAsync(c1, "p1"))!["bounced"]!.GetValue<bool>());

        // The same address, this clinic: skipped, Bounced. Another clinic: sent. (Sessions a day apart would make the
        // patient's own history estimate a short relief: each posts the relief it means.)
        await Host.PostSessionOkAsync(c1, new { patientId = "p1", email = "ana@example.com", injectionDate = Host.DaysAgo(79), sessionId = "s2", reliefDays = 90 });
        await Host.PostSessionOkAsync(c2, new { patientId = "p9", email = "ana@example.com", injectionDate = Host.DaysAgo(80), sessionId = "s1" });
        var sweep = await Host.SweepAsync();
        Assert.Equal(1, sweep.Count("sent"));
        Assert.Equal(1, sweep.Count("skipped"));
        var skipped = Session(await Host.GetPatientAsync(c1, "p1"), "s2");
        Assert.Equal("Skipped", skipped["status"]!.GetValue<string>());
        Assert.Equal("Bounced", skipped["reason"]!.GetValue<string>());
        Assert.Equal("Sent", (await Host.GetPatientAsync(c2, "p9"))!.Status("s1"));
        Assert.False((await Host.GetPatientAsync(c2, "p9"))!["bounced"]!.GetValue<bool>());

        // A new address clears it.
        await Host.PostSessionOkAsync(c1, new { patientId = "p1", email = "ana.new@example.com", injectionDate = Host.DaysAgo(78), sessionId = "s3", reliefDays = 90 });
        Assert.False((await Host.GetPatientAsync(c1, "p1"))!["bounced"]!.GetValue<bool>());
        Assert.Equal(1, (await Host.SweepAsync()).Count("sent"));

        // Back to the old address: still bounced, until the clinic lifts it.
        await Host.PostSessionOkAsync(c1, new { patientId = "p1", email = "ana@example.com", injectionDate = Host.DaysAgo(77), sessionId = "s4", reliefDays = 90 });
        Assert.True((await Host.GetPatientAsync(c1, "p1"))!["bounced"]!.GetValue<bool>());
        var lift = await Host.SendAsync(HttpMethod.Delete, "/api/patients/p1/bounce", c1);
        Assert.Equal(HttpStatusCode.NoContent, lift.StatusCode);
        Assert.False((await Host.GetPatientAsync(c1, "p1"))!["bounced"]!.GetValue<bool>());
        // Event Grid delivering the old report again does not undo the clinic's decision.
        Assert.Equal(1, (await PostOkAsync(new JsonArray(bounce.DeepClone())))["unchanged"]!.GetValue<int>());
        Assert.False((await Host.GetPatientAsync(c1, "p1"))!["bounced"]!.GetValue<bool>());
        Assert.Equal(1, (await Host.SweepAsync()).Count("sent"));
        Assert.Equal(HttpStatusCode.NotFound, (await Host.SendAsync(HttpMethod.Delete, "/api/patients/nobody/bounce", c1)).StatusCode);
    }

    [Fact]
    public async Task A_suppressed_address_survives_erasure()
    {
        var apiKey = await Host.CreateClinicAsync("c1");
        var id = await SentAsync(apiKey);
        await PostOkAsync(new JsonArray(CloudEvent(id, "Suppressed", T0)), "application/cloudevents-batch+json");

        Assert.Equal(HttpStatusCode.NoContent, (await Host.SendAsync(HttpMethod.Delete, "/api/patients/p1", apiKey)).StatusCode);
        await Host.PostSessionOkAsync(apiKey, new { patientId = "p2", email = "ana@example.com", injectionDate = Host.DaysAgo(80), sessionId = "s1" });

        Assert.True((await Host.GetPatientAsync(apiKey, "p2"))!["bounced"]!.GetValue<bool>());
        Assert.Equal(1, (await Host.SweepAsync()).Count("skipped"));
    }
}

public sealed class ServerDeliveryReportContractTests(Azurite azurite) : DeliveryReportContractTests(azurite)
{
    protected override async Task<IApiHost> StartAsync(TestSettings settings, FakeTimeProvider time) => await ServerHost.StartAsync(settings, time);
}

public sealed class FunctionsDeliveryReportContractTests(Azurite azurite) : DeliveryReportContractTests(azurite)
{
    protected override async Task<IApiHost> StartAsync(TestSettings settings, FakeTimeProvider time) => await FunctionsHost.StartAsync(settings, time);
}
