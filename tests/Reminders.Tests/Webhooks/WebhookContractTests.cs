using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using Reminders.Tests.Infrastructure;

namespace Reminders.Tests.Webhooks;

/// <summary>
/// Signed webhooks end to end on both hosts: a real HTTP receiver checks every delivery with its own Standard Webhooks
/// verifier, sees each state change once, outlasts 5xx answers and timeouts (same webhook-id each time), and never
/// sees an address. Retries wait in real time on the queue, so the tests shorten the back-off, not the logic.
/// </summary>
public abstract class WebhookContractTests(Azurite azurite) : IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);
    private const string Email = "ana@example.com";

    protected IApiHost Host { get; private set; } = null!;
    protected WebhookReceiver Receiver { get; private set; } = null!;
    private IAsyncDisposable? _pump;

    protected abstract Task<IApiHost> StartAsync(TestSettings settings, FakeTimeProvider time);
    protected virtual IAsyncDisposable? Pump(IApiHost host) => null;

    public async ValueTask InitializeAsync()
    {
        Receiver = await WebhookReceiver.StartAsync();
        Host = await StartAsync(new TestSettings(azurite.ConnectionString)
        {
            Extra = new Dictionary<string, string?>
            {
                // The receiver is on loopback over http: allowed by this explicit test setting only.
                ["Reminders:Webhooks:AllowLoopbackForTests"] = "true",
                ["Reminders:Webhooks:RetryDelays:0"] = "00:00:00.2",
                ["Reminders:Webhooks:RetryDelays:1"] = "00:00:00.4",
                ["Reminders:Webhooks:Timeout"] = "00:00:01",
            },
        }, TestClock.New());
        _pump = Pump(Host);
    }

    public async ValueTask DisposeAsync()
    {
        if (_pump is not null) await _pump.DisposeAsync();
        await Host.DisposeAsync();
        await Receiver.DisposeAsync();
    }

    private async Task<(string ApiKey, string Secret)> ClinicWithWebhookAsync(string clinicId = "c1")
    {
        var apiKey = await Host.CreateClinicAsync(clinicId);
        var response = await Host.SendAsync(HttpMethod.Put, "/api/webhooks", apiKey, new { url = Receiver.Url.ToString() });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var secret = (await response.Content.ReadFromJsonAsync<JsonObject>())!["secret"]!.GetValue<string>();
        Assert.StartsWith("whsec_", secret);
        return (apiKey, secret);
    }

    private static JsonObject Payload(ReceivedWebhook webhook) => JsonNode.Parse(webhook.Body)!.AsObject();
    private static string Type(ReceivedWebhook webhook) => Payload(webhook)["type"]!.GetValue<string>();
    private static JsonObject Data(ReceivedWebhook webhook) => Payload(webhook)["data"]!.AsObject();

    private void AssertSignedAndClean(ReceivedWebhook webhook, string secret)
    {
        Assert.True(StandardWebhooks.Verify(secret, webhook, Host.Time.GetUtcNow(), out var why), why);
        Assert.DoesNotContain("@", webhook.Body);
        Assert.DoesNotContain(Email, string.Join("\n", webhook.Headers.Values));
    }

    private async Task<ReceivedWebhook> EventAsync(string type, Func<JsonObject, bool>? match = null) =>
        await Receiver.WaitForAsync(w => w.AnsweredStatus is >= 200 and < 300 && Type(w) == type && (match?.Invoke(Data(w)) ?? true), Wait);

    private async Task<JsonArray> DeliveriesAsync(string apiKey)
    {
        var response = await Host.SendAsync(HttpMethod.Get, "/api/webhooks/deliveries", apiKey);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["deliveries"]!.AsArray();
    }

    /// <summary>The delivery row once it says <paramref name="state"/>: the receiver has answered before the sender records it.</summary>
    private async Task<JsonObject> DeliveryInStateAsync(string apiKey, string eventId, string state) =>
        await WaitUntilAsync(async () => (await DeliveriesAsync(apiKey)).Select(d => d!.AsObject())
            .SingleOrDefault(d => d["id"]!.GetValue<string>() == eventId && d["state"]!.GetValue<string>() == state));

    [Fact]
    public async Task The_secret_is_shown_once_and_setting_the_url_again_keeps_it()
    {
        var (apiKey, _) = await ClinicWithWebhookAsync();

        var get = await (await Host.SendAsync(HttpMethod.Get, "/api/webhooks", apiKey)).Content.ReadFromJsonAsync<JsonObject>();
        var again = await Host.SendAsync(HttpMethod.Put, "/api/webhooks", apiKey, new { url = Receiver.Url.ToString() });

        Assert.Null(get!["secret"]);
        Assert.True(get["enabled"]!.GetValue<bool>());
        Assert.Equal(Receiver.Url.ToString(), get["url"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Null((await again.Content.ReadFromJsonAsync<JsonObject>())!["secret"]);
    }

    [Fact]
    public async Task A_sent_reminder_is_posted_once_signed_with_ids_and_no_address()
    {
        var (apiKey, secret) = await ClinicWithWebhookAsync();
        await Host.PostSessionOkAsync(apiKey, new { patientId = "p1", email = Email, injectionDate = Host.DaysAgo(80), sessionId = "s1" });

        Assert.Equal(1, (await Host.SweepAsync()).Count("sent"));
        var sent = await EventAsync("reminder.sent");

        AssertSignedAndClean(sent, secret);
        var data = Data(sent);
        var session = (await Host.GetPatientAsync(apiKey, "p1"))!["sessions"]![0]!;
        Assert.Equal(session["reminderId"]!.GetValue<string>(), data["reminderId"]!.GetValue<string>());
        Assert.Equal("p1", data["patientId"]!.GetValue<string>());
        Assert.Equal("s1", data["sessionId"]!.GetValue<string>());
        Assert.Equal("Sent", data["status"]!.GetValue<string>());
        Assert.Equal("c1", data["clinicId"]!.GetValue<string>());
        Assert.Equal(sent.Id, Assert.Single(await DeliveriesAsync(apiKey))!["id"]!.GetValue<string>());

        // A second sweep changes nothing, so tells nothing.
        await DeliveryInStateAsync(apiKey, sent.Id, "Delivered");
        Assert.Equal(0, (await Host.SweepAsync()).Count("sent"));
        Assert.Single(await DeliveriesAsync(apiKey));
        Assert.Single(Receiver.Received);
    }

    [Fact]
    public async Task Skipped_and_expired_reminders_and_opt_outs_each_tell_once()
    {
        var (apiKey, secret) = await ClinicWithWebhookAsync();
        // Registered after relief ended: expired at once.
        await Host.PostSessionOkAsync(apiKey, new { patientId = "old", email = Email, injectionDate = Host.DaysAgo(200), sessionId = "s0" });
        // Pending, then cancelled: skipped, Cancelled.
        await Host.PostSessionOkAsync(apiKey, new { patientId = "p2", email = "bo@example.com", injectionDate = Host.DaysAgo(10), sessionId = "s2" });
        Assert.Equal(HttpStatusCode.NoContent, (await Host.SendAsync(HttpMethod.Delete, "/api/patients/p2/sessions/s2", apiKey)).StatusCode);

        var expired = await EventAsync("reminder.expired");
        var skipped = await EventAsync("reminder.skipped");
        AssertSignedAndClean(expired, secret);
        AssertSignedAndClean(skipped, secret);
        Assert.Equal("old", Data(expired)["patientId"]!.GetValue<string>());
        Assert.Equal("ReliefEnded", Data(expired)["reason"]!.GetValue<string>());
        Assert.Equal("Cancelled", Data(skipped)["reason"]!.GetValue<string>());

        // Opt out twice, then back in.
        await Host.PostSessionOkAsync(apiKey, new { patientId = "p1", email = Email, injectionDate = Host.DaysAgo(80), sessionId = "s1" });
        Assert.Equal(1, (await Host.SweepAsync()).Count("sent"));
        var link = new Uri(Outbox.Messages(Host.Settings.OutboxPath).Single().Headers["List-Unsubscribe"]!.Trim('<', '>')).PathAndQuery;
        // The patient's click and the mail client's one-click POST, at once.
        await Task.WhenAll(
            Host.Client.PostAsync(link, new FormUrlEncodedContent([new("List-Unsubscribe", "One-Click")])),
            Host.Client.PostAsync(link, new FormUrlEncodedContent([new("List-Unsubscribe", "One-Click")])));
        await Host.Client.PostAsync(link, new FormUrlEncodedContent([new("action", "resubscribe")]));

        var optedOut = await EventAsync("patient.optedOut");
        var optedIn = await EventAsync("patient.optedIn");
        AssertSignedAndClean(optedOut, secret);
        AssertSignedAndClean(optedIn, secret);
        Assert.Equal("p1", Data(optedOut)["patientId"]!.GetValue<string>());
        await Receiver.WaitForCountAsync(5, Wait);
        Assert.Equal(["patient.optedIn", "patient.optedOut", "reminder.expired", "reminder.sent", "reminder.skipped"],
            Receiver.Received.Select(Type).Order().ToArray());
        Assert.Equal(5, Receiver.Received.Select(w => w.Id).Distinct().Count());
    }

    [Fact]
    public async Task Delivery_reports_tell_delivered_and_bounced_once_even_when_event_grid_repeats_them()
    {
        var (apiKey, secret) = await ClinicWithWebhookAsync();
        await Host.PostSessionOkAsync(apiKey, new { patientId = "p1", email = Email, injectionDate = Host.DaysAgo(80), sessionId = "s1" });
        await Host.PostSessionOkAsync(apiKey, new { patientId = "p2", email = "bo@example.com", injectionDate = Host.DaysAgo(80), sessionId = "s2" });
        Assert.Equal(2, (await Host.SweepAsync()).Count("sent"));
        var p1 = (await Host.GetPatientAsync(apiKey, "p1"))!["sessions"]![0]!["reminderId"]!.GetValue<string>();
        var p2 = (await Host.GetPatientAsync(apiKey, "p2"))!["sessions"]![0]!["reminderId"]!.GetValue<string>();
        var at = Host.Time.GetUtcNow();

        for (var i = 0; i < 2; i++) // Event Grid delivers at least once
        {
            var response = await Host.Client.PostAsync("/api/events/email?secret=" + TestSettings.EventGridSecret, new StringContent(
                new JsonArray(Report(p1, "Delivered", at, Email), Report(p2, "Bounced", at, "bo@example.com")).ToJsonString(), Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var delivered = await EventAsync("reminder.delivered");
        var bounced = await EventAsync("reminder.bounced");
        AssertSignedAndClean(delivered, secret);
        AssertSignedAndClean(bounced, secret);
        Assert.Equal(("p1", "s1", p1), (Data(delivered)["patientId"]!.GetValue<string>(), Data(delivered)["sessionId"]!.GetValue<string>(), Data(delivered)["reminderId"]!.GetValue<string>()));
        Assert.Equal(("p2", "Bounced"), (Data(bounced)["patientId"]!.GetValue<string>(), Data(bounced)["status"]!.GetValue<string>()));
        await Receiver.WaitForCountAsync(4, Wait);
        // Each report once: the repeat carried the same event id and found it sent.
        Assert.Single(Receiver.Received, w => Type(w) == "reminder.delivered");
        Assert.Single(Receiver.Received, w => Type(w) == "reminder.bounced");
    }

    private static JsonObject Report(string messageId, string status, DateTimeOffset at, string recipient) => new()
    {
        ["id"] = Guid.NewGuid().ToString(),
        ["topic"] = "/subscriptions/x/resourceGroups/rg/providers/Microsoft.Communication/communicationServices/acs",
        ["subject"] = $"sender/DoNotReply@clinic.test/message/{messageId}",
        ["eventType"] = "Microsoft.Communication.EmailDeliveryReportReceived",
        ["eventTime"] = at.ToString("O"),
        ["data"] = new JsonObject
        {
            ["sender"] = "DoNotReply@clinic.test", ["recipient"] = recipient, ["messageId"] = messageId, ["status"] = status,
            ["deliveryStatusDetails"] = new JsonObject { ["statusMessage"] = status }, ["deliveryAttemptTimestamp"] = at.ToString("O"),
        },
        ["dataVersion"] = "1.0", ["metadataVersion"] = "1",
    };

    [Fact]
    public async Task A_receiver_that_fails_and_times_out_gets_the_same_event_again_until_it_answers()
    {
        var (apiKey, secret) = await ClinicWithWebhookAsync();
        Receiver.AnswerNext(500, 503);
        var held = Receiver.HoldNext(); // the third attempt hangs past the 1 s timeout

        await Host.PostSessionOkAsync(apiKey, new { patientId = "p1", email = Email, injectionDate = Host.DaysAgo(80), sessionId = "s1" });
        Assert.Equal(1, (await Host.SweepAsync()).Count("sent"));
        await held.Arrived;
        var delivered = await EventAsync("reminder.sent");
        held.Release(204); // too late: the sender gave up on it

        var attempts = Receiver.Received.Where(w => w.Id == delivered.Id).ToList();
        Assert.True(attempts.Count >= 4, string.Join("\n", attempts.Select(a => a.Describe())));
        Assert.All(attempts, a => Assert.Equal(delivered.Body, a.Body));
        AssertSignedAndClean(delivered, secret);
        var row = await DeliveryInStateAsync(apiKey, delivered.Id, "Delivered");
        Assert.Equal(4, row["attempts"]!.GetValue<int>());
        Assert.Single(await DeliveriesAsync(apiKey));
    }

    [Fact]
    public async Task A_receiver_failing_past_the_retry_window_is_disabled_and_a_replay_after_fixing_it_delivers_the_same_id()
    {
        var (apiKey, _) = await ClinicWithWebhookAsync();
        Receiver.DefaultStatus = 500;
        await Host.PostSessionOkAsync(apiKey, new { patientId = "p1", email = Email, injectionDate = Host.DaysAgo(80), sessionId = "s1" });
        Assert.Equal(1, (await Host.SweepAsync()).Count("sent"));
        var first = await Receiver.WaitForAsync(w => Type(w) == "reminder.sent", Wait);
        Host.Time.Advance(TimeSpan.FromHours(25)); // the next failure is past the 24-hour window

        var webhook = await WaitUntilAsync(async () =>
        {
            var w = await (await Host.SendAsync(HttpMethod.Get, "/api/webhooks", apiKey)).Content.ReadFromJsonAsync<JsonObject>();
            return w!["enabled"]!.GetValue<bool>() ? null : w;
        });
        Assert.Equal("RetriesExhausted", webhook["disabledReason"]!.GetValue<string>());
        Assert.Equal(first.Id, webhook["disabledByEvent"]!.GetValue<string>());
        await DeliveryInStateAsync(apiKey, first.Id, "Failed");

        Receiver.DefaultStatus = 204;
        Assert.Equal(HttpStatusCode.OK, (await Host.SendAsync(HttpMethod.Put, "/api/webhooks", apiKey, new { url = Receiver.Url.ToString() })).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await Host.SendAsync(HttpMethod.Post, $"/api/webhooks/deliveries/{first.Id}/replay", apiKey)).StatusCode);

        var replayed = await Receiver.WaitForAsync(w => w.AnsweredStatus == 204, Wait);
        Assert.Equal(first.Id, replayed.Id);
        Assert.Equal(first.Body, replayed.Body);
        await DeliveryInStateAsync(apiKey, first.Id, "Delivered");
    }

    [Fact]
    public async Task After_a_rotation_both_secrets_sign_until_the_overlap_ends()
    {
        var (apiKey, oldSecret) = await ClinicWithWebhookAsync();
        var rotated = await Host.SendAsync(HttpMethod.Post, "/api/webhooks/secret", apiKey);
        Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
        var newSecret = (await rotated.Content.ReadFromJsonAsync<JsonObject>())!["secret"]!.GetValue<string>();
        Assert.NotEqual(oldSecret, newSecret);

        await Host.PostSessionOkAsync(apiKey, new { patientId = "p1", email = Email, injectionDate = Host.DaysAgo(80), sessionId = "s1" });
        Assert.Equal(1, (await Host.SweepAsync()).Count("sent"));
        var sent = await EventAsync("reminder.sent");

        Assert.True(StandardWebhooks.Verify(newSecret, sent, Host.Time.GetUtcNow(), out var why), why);
        Assert.True(StandardWebhooks.Verify(oldSecret, sent, Host.Time.GetUtcNow(), out why), why);
        Assert.Equal(2, sent.Signature.Split(' ').Length);
    }

    [Theory]
    [InlineData("http://hooks.example.com/in")]
    [InlineData("https://10.1.2.3/in")]
    [InlineData("https://169.254.169.254/latest/meta-data")]
    [InlineData("https://192.168.0.10/in")]
    [InlineData("https://[fd00::1]/in")]
    [InlineData("https://localhost/in")]
    [InlineData("https://user:pass@hooks.example.com/in")]
    [InlineData("ftp://hooks.example.com/in")]
    [InlineData("not a url")]
    public async Task A_url_that_is_not_public_https_is_400_naming_url(string url)
    {
        var apiKey = await Host.CreateClinicAsync("c1");

        var response = await Host.SendAsync(HttpMethod.Put, "/api/webhooks", apiKey, new { url });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("url", (await response.ProblemAsync())["errors"]!.AsObject().Select(e => e.Key));
        Assert.Equal(HttpStatusCode.NotFound, (await Host.SendAsync(HttpMethod.Get, "/api/webhooks", apiKey)).StatusCode);
    }

    [Fact]
    public async Task A_clinic_sees_and_replays_only_its_own_deliveries()
    {
        var (apiKey, _) = await ClinicWithWebhookAsync("c1");
        var other = await Host.CreateClinicAsync("c2");
        await Host.PostSessionOkAsync(apiKey, new { patientId = "p1", email = Email, injectionDate = Host.DaysAgo(80), sessionId = "s1" });
        Assert.Equal(1, (await Host.SweepAsync()).Count("sent"));
        var sent = await EventAsync("reminder.sent");

        Assert.Empty(await DeliveriesAsync(other));
        Assert.Equal(HttpStatusCode.NotFound, (await Host.SendAsync(HttpMethod.Post, $"/api/webhooks/deliveries/{sent.Id}/replay", other)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await Host.SendAsync(HttpMethod.Post, "/api/webhooks/deliveries/nonsense/replay", apiKey)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await Host.SendAsync(HttpMethod.Get, "/api/webhooks/deliveries?limit=0", apiKey)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Host.SendAsync(HttpMethod.Get, "/api/webhooks", other)).StatusCode);
    }

    [Fact]
    public async Task A_clinic_without_a_receiver_gets_nothing_and_pays_nothing()
    {
        var apiKey = await Host.CreateClinicAsync("c1");
        await Host.PostSessionOkAsync(apiKey, new { patientId = "p1", email = Email, injectionDate = Host.DaysAgo(80), sessionId = "s1" });

        Assert.Equal(1, (await Host.SweepAsync()).Count("sent"));

        Assert.Empty(await DeliveriesAsync(apiKey));
        Assert.Empty(Receiver.Received);
    }

    private static async Task<JsonObject> WaitUntilAsync(Func<Task<JsonObject?>> probe)
    {
        var deadline = DateTime.UtcNow + Wait;
        while (DateTime.UtcNow < deadline)
        {
            if (await probe() is { } found) return found;
            await Task.Delay(100);
        }
        throw new TimeoutException("The condition did not hold in time.");
    }
}

public sealed class ServerWebhookContractTests(Azurite azurite) : WebhookContractTests(azurite)
{
    protected override async Task<IApiHost> StartAsync(TestSettings settings, FakeTimeProvider time) => await ServerHost.StartAsync(settings, time);
}

public sealed class FunctionsWebhookContractTests(Azurite azurite) : WebhookContractTests(azurite)
{
    protected override async Task<IApiHost> StartAsync(TestSettings settings, FakeTimeProvider time) => await FunctionsHost.StartAsync(settings, time);
    protected override IAsyncDisposable Pump(IApiHost host) => new FunctionsWebhookPump(host);
}
