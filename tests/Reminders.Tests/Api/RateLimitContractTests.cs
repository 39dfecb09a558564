using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using Reminders.Http;
using Reminders.Tests.Infrastructure;

namespace Reminders.Tests.Api;

/// <summary>
/// Rate limits over HTTP on both hosts: per clinic, and per client address on the anonymous endpoints. The buckets are
/// tiny and refill once in hours, so the tests are deterministic without sleeping.
/// </summary>
public abstract class RateLimitContractTests(Azurite azurite)
{
    private const int ClinicBurst = 3;
    private const int AnonymousBurst = 2;

    protected abstract Task<IApiHost> StartAsync(TestSettings settings, FakeTimeProvider time);

    private Task<IApiHost> StartLimitedAsync() => StartAsync(new TestSettings(azurite.ConnectionString)
    {
        Extra = new Dictionary<string, string?>
        {
            ["Reminders:RateLimits:Clinic:PermitsPerSecond"] = "0.0001",
            ["Reminders:RateLimits:Clinic:Burst"] = ClinicBurst.ToString(),
            ["Reminders:RateLimits:Anonymous:PermitsPerSecond"] = "0.0001",
            ["Reminders:RateLimits:Anonymous:Burst"] = AnonymousBurst.ToString(),
            // Loopback is one address: the test names its callers the way a trusted proxy would.
            ["Reminders:RateLimits:ClientAddressHeader"] = "X-Forwarded-For",
        },
    }, TestClock.New());

    private static async Task<HttpResponseMessage> FromAsync(IApiHost host, HttpMethod method, string path, string address, HttpContent? content = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        request.Headers.Add("X-Forwarded-For", $"198.51.100.7, {address}");
        return await host.Client.SendAsync(request);
    }

    private static async Task AssertTooManyRequestsAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        var seconds = int.Parse(Assert.Single(response.Headers.GetValues("Retry-After")));
        var milliseconds = long.Parse(Assert.Single(response.Headers.GetValues("retry-after-ms")));
        Assert.True(seconds >= 1, $"Retry-After {seconds}");
        Assert.True(milliseconds >= 1 && milliseconds <= seconds * 1000L, $"retry-after-ms {milliseconds}, Retry-After {seconds}");
        var problem = await response.ProblemAsync();
        Assert.Equal(429, problem["status"]!.GetValue<int>());
        Assert.Equal("Too many requests.", problem["title"]!.GetValue<string>());
        Assert.Contains("Retry-After", problem["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_clinic_past_its_burst_gets_429_and_another_clinic_does_not()
    {
        await using var host = await StartLimitedAsync();
        var busy = await host.CreateClinicAsync("busy");
        var quiet = await host.CreateClinicAsync("quiet");

        for (var i = 0; i < ClinicBurst; i++)
            Assert.Equal(HttpStatusCode.NotFound, (await host.SendAsync(HttpMethod.Get, "/api/patients/nobody", busy)).StatusCode);
        var refused = await host.SendAsync(HttpMethod.Get, "/api/patients/nobody", busy);
        var other = await host.SendAsync(HttpMethod.Get, "/api/patients/nobody", quiet);
        // Every clinic endpoint shares the clinic's bucket.
        var plan = await host.SendAsync(HttpMethod.Get, "/api/reminders", busy);

        await AssertTooManyRequestsAsync(refused);
        Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
        await AssertTooManyRequestsAsync(plan);
    }

    [Fact]
    public async Task All_keys_of_a_clinic_share_its_limit()
    {
        await using var host = await StartLimitedAsync();
        var first = await host.CreateClinicAsync("c1");
        using var issue = new HttpRequestMessage(HttpMethod.Post, "/api/clinics/c1/keys") { Headers = { { "X-Admin-Key", TestSettings.AdminKey } } };
        var second = (await (await host.Client.SendAsync(issue)).Content.ReadFromJsonAsync<JsonObject>())!["apiKey"]!.GetValue<string>();

        for (var i = 0; i < ClinicBurst; i++)
            Assert.Equal(HttpStatusCode.NotFound, (await host.SendAsync(HttpMethod.Get, "/api/patients/nobody", i % 2 == 0 ? first : second)).StatusCode);

        await AssertTooManyRequestsAsync(await host.SendAsync(HttpMethod.Get, "/api/patients/nobody", second));
        await AssertTooManyRequestsAsync(await host.SendAsync(HttpMethod.Get, "/api/patients/nobody", first));
    }

    [Fact]
    public async Task Staff_credentials_have_their_own_bucket_so_they_cannot_starve_the_integration()
    {
        await using var host = await StartLimitedAsync();
        var integration = await host.CreateClinicAsync("c1");
        var issued = await host.AdminSendAsync(HttpMethod.Post, "/api/clinics/c1/keys?scope=staff");
        var staff = (await issued.Content.ReadFromJsonAsync<JsonObject>())!["apiKey"]!.GetValue<string>();

        // A staff caller hammering (reads, and calls it may not make, which are refused before they count) ...
        for (var i = 0; i < ClinicBurst * 2; i++)
            Assert.Equal(HttpStatusCode.Forbidden, (await host.SendAsync(HttpMethod.Delete, "/api/patients/nobody", staff)).StatusCode);
        for (var i = 0; i < ClinicBurst; i++)
            Assert.Equal(HttpStatusCode.NotFound, (await host.SendAsync(HttpMethod.Get, "/api/patients/nobody", staff)).StatusCode);
        await AssertTooManyRequestsAsync(await host.SendAsync(HttpMethod.Get, "/api/patients/nobody", staff));

        // ... leaves the integration its whole burst.
        for (var i = 0; i < ClinicBurst; i++)
            Assert.Equal(HttpStatusCode.NotFound, (await host.SendAsync(HttpMethod.Get, "/api/patients/nobody", integration)).StatusCode);
    }

    [Fact]
    public async Task A_wrong_key_is_401_not_counted_against_a_clinic()
    {
        await using var host = await StartLimitedAsync();
        var key = await host.CreateClinicAsync("c1");

        for (var i = 0; i < ClinicBurst + 2; i++)
            Assert.Equal(HttpStatusCode.Unauthorized, (await host.SendAsync(HttpMethod.Get, "/api/patients/nobody", key + "x")).StatusCode);

        Assert.Equal(HttpStatusCode.NotFound, (await host.SendAsync(HttpMethod.Get, "/api/patients/nobody", key)).StatusCode);
    }

    [Fact]
    public async Task One_address_past_its_burst_on_unsubscribe_gets_429_and_another_address_does_not()
    {
        await using var host = await StartLimitedAsync();
        const string flood = "203.0.113.1", other = "203.0.113.2";

        for (var i = 0; i < AnonymousBurst; i++)
            Assert.NotEqual(HttpStatusCode.TooManyRequests, (await FromAsync(host, HttpMethod.Get, "/api/unsubscribe?token=nonsense", flood)).StatusCode);
        var get = await FromAsync(host, HttpMethod.Get, "/api/unsubscribe?token=nonsense", flood);
        var post = await FromAsync(host, HttpMethod.Post, "/api/unsubscribe?token=nonsense", flood,
            new FormUrlEncodedContent([new("List-Unsubscribe", "One-Click")]));
        var head = await FromAsync(host, HttpMethod.Head, "/api/unsubscribe?token=nonsense", flood);
        var document = await FromAsync(host, HttpMethod.Get, "/api/openapi.json", flood);
        var preview = await FromAsync(host, HttpMethod.Get, "/api/email-preview?link=nonsense", flood);
        var elsewhere = await FromAsync(host, HttpMethod.Get, "/api/unsubscribe?token=nonsense", other);
        var documentElsewhere = await FromAsync(host, HttpMethod.Get, "/api/openapi.json", other);

        await AssertTooManyRequestsAsync(get);
        await AssertTooManyRequestsAsync(post);
        Assert.Equal(HttpStatusCode.TooManyRequests, head.StatusCode);
        Assert.True(head.Headers.Contains("Retry-After") && head.Headers.Contains("retry-after-ms"));
        await AssertTooManyRequestsAsync(document);
        await AssertTooManyRequestsAsync(preview);
        Assert.NotEqual(HttpStatusCode.TooManyRequests, elsewhere.StatusCode);
        Assert.Equal(HttpStatusCode.OK, documentElsewhere.StatusCode);
    }

    [Fact]
    public async Task Liveness_is_never_limited_and_readiness_is_limited_per_address()
    {
        await using var host = await StartLimitedAsync();
        const string probe = "203.0.113.9", other = "203.0.113.10";

        for (var i = 0; i < AnonymousBurst; i++)
            Assert.NotEqual(HttpStatusCode.TooManyRequests, (await FromAsync(host, HttpMethod.Get, "/api/health/ready", probe)).StatusCode);
        var ready = await FromAsync(host, HttpMethod.Get, "/api/health/ready", probe);
        var health = await FromAsync(host, HttpMethod.Get, "/api/health", probe);
        var readyElsewhere = await FromAsync(host, HttpMethod.Get, "/api/health/ready", other);

        // Readiness asks storage, the queue and the provider: an open loop on it from one address is refused.
        await AssertTooManyRequestsAsync(ready);
        await AssertTooManyRequestsAsync(health);
        Assert.NotEqual(HttpStatusCode.TooManyRequests, readyElsewhere.StatusCode);
        // Liveness costs nothing and is what the platform restarts on.
        for (var i = 0; i < AnonymousBurst * 3; i++)
            Assert.Equal(HttpStatusCode.OK, (await FromAsync(host, HttpMethod.Get, "/api/health/live", probe)).StatusCode);
    }

    [Fact]
    public async Task Guessing_the_event_grid_secret_is_limited_per_address_and_event_grid_itself_is_not()
    {
        await using var host = await StartLimitedAsync();
        const string guesser = "203.0.113.20", eventGrid = "203.0.113.21";
        var validation = () => new StringContent(
            """[{"id":"1","topic":"t","subject":"","data":{"validationCode":"abc"},"eventType":"Microsoft.EventGrid.SubscriptionValidationEvent","eventTime":"2026-12-04T10:00:00Z","dataVersion":"1","metadataVersion":"1"}]""",
            System.Text.Encoding.UTF8, "application/json");

        for (var i = 0; i < AnonymousBurst; i++)
            Assert.Equal(HttpStatusCode.Unauthorized, (await FromAsync(host, HttpMethod.Post, "/api/events/email?secret=guess" + i, guesser, validation())).StatusCode);
        await AssertTooManyRequestsAsync(await FromAsync(host, HttpMethod.Post, "/api/events/email?secret=guess", guesser, validation()));
        await AssertTooManyRequestsAsync(await FromAsync(host, HttpMethod.Options, "/api/events/email?secret=guess", guesser));

        // Event Grid delivers in bursts from few addresses; with the secret it is never refused for rate.
        for (var i = 0; i < AnonymousBurst * 3; i++)
            Assert.Equal(HttpStatusCode.OK, (await FromAsync(host, HttpMethod.Post, "/api/events/email?secret=" + TestSettings.EventGridSecret, eventGrid, validation())).StatusCode);
    }
}

public sealed class ServerRateLimitContractTests(Azurite azurite) : RateLimitContractTests(azurite)
{
    protected override async Task<IApiHost> StartAsync(TestSettings settings, FakeTimeProvider time) => await ServerHost.StartAsync(settings, time);
}

public sealed class FunctionsRateLimitContractTests(Azurite azurite) : RateLimitContractTests(azurite)
{
    protected override async Task<IApiHost> StartAsync(TestSettings settings, FakeTimeProvider time) => await FunctionsHost.StartAsync(settings, time);
}

public sealed class RateLimitSettingsTests
{
    [Fact]
    public void The_defaults_carry_a_clinics_batch_import_and_a_few_anonymous_calls()
    {
        var options = new RateLimitOptions();
        Assert.True(options.Enabled);
        Assert.Equal((50d, 100), (options.Clinic.PermitsPerSecond, options.Clinic.Burst));
        Assert.Equal((10d, 30), (options.Anonymous.PermitsPerSecond, options.Anonymous.Burst));
        Assert.Null(options.ClientAddressHeader);
    }
}
