using System.Net;
using Reminders.Tests.Infrastructure;

namespace Reminders.Tests.Api;

/// <summary>Past capacity the Server answers 503 with a retry time at once; it never queues a request for seconds.</summary>
public sealed class OverloadTests(Azurite azurite)
{
    [Fact]
    public async Task Past_capacity_a_request_is_refused_with_503_and_retry_after_in_milliseconds_without_waiting()
    {
        var gate = new StorageGate();
        await using var host = await OneAtATimeServer.StartAsync(azurite.ConnectionString, gate);
        var apiKey = await host.CreateClinicAsync("c1");
        var held = gate.HoldFirst(c => c.IsBatch);

        var first = host.PostSessionAsync(apiKey, new { patientId = "p1", email = "a@example.com", injectionDate = host.DaysAgo(1) });
        await held.Reached; // one request in the service, stuck on storage
        var started = DateTimeOffset.UtcNow;
        var second = await host.PostSessionAsync(apiKey, new { patientId = "p2", email = "b@example.com", injectionDate = host.DaysAgo(1) });
        var waited = DateTimeOffset.UtcNow - started;
        var health = await host.Client.GetAsync("/api/health");
        held.Release();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, second.StatusCode);
        Assert.True(waited < TimeSpan.FromSeconds(1), $"refused after {waited.TotalMilliseconds} ms");
        Assert.Equal("250", second.Headers.GetValues("retry-after-ms").Single());
        Assert.Equal("1", second.Headers.GetValues("Retry-After").Single());
        Assert.Equal("application/problem+json", second.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode); // never refused
        Assert.Equal(HttpStatusCode.Created, (await first).StatusCode);
        // Nothing of the refused one was written.
        Assert.Null(await host.GetPatientAsync(apiKey, "p2"));
    }
}
