using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using Reminders.Tests.Infrastructure;

namespace Reminders.Tests.Health;

/// <summary>Liveness and readiness on both hosts (see the two subclasses at the end of the file).</summary>
public abstract class HealthTests(Azurite azurite) : HostedApiTests(azurite)
{
    [Fact]
    public async Task Live_is_200_without_asking_anything()
    {
        var response = await Host.Client.GetAsync("/api/health/live");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Alive", (await response.Content.ReadFromJsonAsync<JsonObject>())!["status"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("/api/health/ready")]
    [InlineData("/api/health")]
    public async Task Ready_and_the_plain_health_route_are_200_when_storage_queue_and_email_are_ready(string path)
    {
        var response = await Host.Client.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", (await response.Content.ReadFromJsonAsync<JsonObject>())!["status"]!.GetValue<string>());
    }
}

public sealed class ServerHealthTests(Azurite azurite) : HealthTests(azurite)
{
    protected override async Task<IApiHost> StartAsync(TestSettings settings, FakeTimeProvider time) => await ServerHost.StartAsync(settings, time);
}

/// <summary>Readiness failures, on the Server host (the Functions classes run the same <c>ReadinessCheck</c>).</summary>
public sealed class ReadinessFailureTests(Azurite azurite)
{
    private const string DeadStorage =
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;" +
        "TableEndpoint=http://127.0.0.1:1/devstoreaccount1;QueueEndpoint=http://127.0.0.1:1/devstoreaccount1;";

    [Fact]
    public async Task Without_storage_ready_is_503_naming_table_storage_and_the_queue_and_live_stays_200()
    {
        await using var host = await ServerHost.StartAsync(new TestSettings(DeadStorage), TestClock.New());

        var ready = await host.Client.GetAsync("/api/health/ready");
        var health = await host.Client.GetAsync("/api/health");
        var live = await host.Client.GetAsync("/api/health/live");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        var problem = await ready.ProblemAsync();
        Assert.Equal(503, problem["status"]!.GetValue<int>());
        var notReady = problem["notReady"]!.AsArray().Select(n => n!.GetValue<string>()).ToList();
        Assert.Equal(["Table storage did not answer.", "The dispatch queue did not answer."], notReady);
        // Names what is not ready, and nothing of the connection.
        var text = problem.ToJsonString();
        Assert.DoesNotContain("AccountKey", text);
        Assert.DoesNotContain("Eby8", text);
        Assert.DoesNotContain("127.0.0.1", text);
    }

    [Fact]
    public async Task An_outbox_that_cannot_be_written_makes_ready_503_naming_the_email_provider()
    {
        var blocked = Path.GetTempFileName(); // a file where the outbox folder should be
        try
        {
            await using var host = await ServerHost.StartAsync(new TestSettings(azurite.ConnectionString) { OutboxPath = blocked }, TestClock.New());

            var ready = await host.Client.GetAsync("/api/health/ready");

            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
            var notReady = (await ready.ProblemAsync())["notReady"]!.AsArray().Select(n => n!.GetValue<string>());
            Assert.Equal(["The outbox folder (Email:OutboxPath) cannot be written."], notReady);
        }
        finally
        {
            File.Delete(blocked);
        }
    }
}

public sealed class FunctionsHealthTests(Azurite azurite) : HealthTests(azurite)
{
    protected override async Task<IApiHost> StartAsync(TestSettings settings, FakeTimeProvider time) => await FunctionsHost.StartAsync(settings, time);
}
