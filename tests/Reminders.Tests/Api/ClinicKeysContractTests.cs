using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Reminders.Clinics;
using Reminders.Storage;
using Reminders.Tests.Infrastructure;

namespace Reminders.Tests.Api;

/// <summary>Issuing, listing and revoking clinic API keys over HTTP on both hosts; keys from before key ids keep working.</summary>
public abstract class ClinicKeysContractTests(Azurite azurite) : HostedApiTests(azurite)
{
    private async Task<JsonObject> IssueAsync(string clinicId)
    {
        var response = await Host.AdminSendAsync(HttpMethod.Post, $"/api/clinics/{clinicId}/keys");
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var key = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal($"/api/clinics/{clinicId}/keys/{key["id"]}", response.Headers.Location?.OriginalString);
        return key;
    }

    private async Task<JsonArray> ListAsync(string clinicId)
    {
        var response = await Host.AdminSendAsync(HttpMethod.Get, $"/api/clinics/{clinicId}/keys");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["keys"]!.AsArray();
    }

    /// <summary>A clinic call with the key: 404 for the unknown patient means the key worked, 401 that it did not.</summary>
    private async Task<HttpStatusCode> UseAsync(string apiKey) => (await Host.SendAsync(HttpMethod.Get, "/api/patients/nobody", apiKey)).StatusCode;

    [Fact]
    public async Task Two_issued_keys_both_work_and_a_revoked_one_stops_at_once()
    {
        var first = await Host.CreateClinicAsync("c1");
        var a = await IssueAsync("c1");
        var b = await IssueAsync("c1");
        var keyA = a["apiKey"]!.GetValue<string>();
        var keyB = b["apiKey"]!.GetValue<string>();

        Assert.Matches("^[a-z2-7]{8}$", a["id"]!.GetValue<string>());
        Assert.Equal("rk_" + a["id"], a["prefix"]!.GetValue<string>());
        Assert.StartsWith(a["prefix"] + "_", keyA);
        Assert.Equal(Host.Time.GetUtcNow(), a["createdAt"]!.GetValue<DateTimeOffset>());
        Assert.Equal((HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.NotFound), (await UseAsync(first), await UseAsync(keyA), await UseAsync(keyB)));

        Assert.Equal(HttpStatusCode.NoContent, (await Host.AdminSendAsync(HttpMethod.Delete, $"/api/clinics/c1/keys/{a["id"]}")).StatusCode);

        // Immediate on the instance that revoked, although the key was just used (and so cached).
        Assert.Equal(HttpStatusCode.Unauthorized, await UseAsync(keyA));
        Assert.Equal((HttpStatusCode.NotFound, HttpStatusCode.NotFound), (await UseAsync(first), await UseAsync(keyB)));
        Assert.Equal(HttpStatusCode.NotFound, (await Host.AdminSendAsync(HttpMethod.Delete, $"/api/clinics/c1/keys/{a["id"]}")).StatusCode);
    }

    [Fact]
    public async Task A_listing_shows_ids_and_prefixes_and_never_a_secret()
    {
        var first = await Host.CreateClinicAsync("c1");
        Host.Time.Advance(TimeSpan.FromMinutes(1)); // listed oldest first
        var second = (await IssueAsync("c1"))["apiKey"]!.GetValue<string>();
        await Host.CreateClinicAsync("c2");

        var response = await Host.AdminSendAsync(HttpMethod.Get, "/api/clinics/c1/keys");
        var text = await response.Content.ReadAsStringAsync();
        var keys = (await ListAsync("c1")).Select(k => k!.AsObject()).ToArray();

        Assert.Equal(2, keys.Length);
        Assert.All(keys, k =>
        {
            Assert.Equal(["id", "prefix", "createdAt", "legacy", "scope"], k.Select(p => p.Key));
            Assert.Equal("rk_" + k["id"], k["prefix"]!.GetValue<string>());
        });
        Assert.StartsWith(keys[0]["prefix"] + "_", first);
        Assert.StartsWith(keys[1]["prefix"] + "_", second);
        Assert.DoesNotContain(first[12..], text);
        Assert.DoesNotContain(second[12..], text);
        Assert.Single(await ListAsync("c2"));
    }

    [Fact]
    public async Task Only_the_admin_manages_keys_and_a_key_is_revoked_only_through_its_own_clinic()
    {
        var key = await Host.CreateClinicAsync("c1");
        await Host.CreateClinicAsync("c2");
        var id = (await ListAsync("c1"))[0]!["id"]!.GetValue<string>();

        foreach (var adminKey in new[] { null, "wrong" })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await Host.AdminSendAsync(HttpMethod.Post, "/api/clinics/c1/keys", adminKey)).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await Host.AdminSendAsync(HttpMethod.Get, "/api/clinics/c1/keys", adminKey)).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await Host.AdminSendAsync(HttpMethod.Delete, $"/api/clinics/c1/keys/{id}", adminKey)).StatusCode);
        }
        // A clinic's own key is no admin key.
        Assert.Equal(HttpStatusCode.Unauthorized, (await Host.SendAsync(HttpMethod.Post, "/api/clinics/c1/keys", key)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Host.AdminSendAsync(HttpMethod.Delete, $"/api/clinics/c2/keys/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Host.AdminSendAsync(HttpMethod.Post, "/api/clinics/nobody/keys")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Host.AdminSendAsync(HttpMethod.Get, "/api/clinics/nobody/keys")).StatusCode);
        var bad = await Host.AdminSendAsync(HttpMethod.Delete, "/api/clinics/c1/keys/NOT-AN-ID");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.NotNull((await bad.ProblemAsync())["errors"]!["keyId"]);
        Assert.Equal(HttpStatusCode.NotFound, await UseAsync(key));
    }

    [Fact]
    public async Task A_clinic_has_at_most_ten_keys()
    {
        await Host.CreateClinicAsync("c1");
        for (var i = 1; i < ClinicKeys.MaxKeysPerClinic; i++) await IssueAsync("c1");

        var response = await Host.AdminSendAsync(HttpMethod.Post, "/api/clinics/c1/keys");

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("revoke one first", (await response.ProblemAsync())["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task Putting_an_existing_clinic_again_keeps_every_key_and_says_how_to_get_another()
    {
        var first = await Host.CreateClinicAsync("c1");
        var second = (await IssueAsync("c1"))["apiKey"]!.GetValue<string>();

        var again = await Host.PutClinicAsync("c1", new { name = "Renamed", timeZone = "Europe/Madrid", bookingUrl = "https://c1.example.com/book" });

        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var body = (await again.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Null(body["apiKey"]);
        Assert.Equal(2, body["keys"]!.AsArray().Count);
        Assert.Contains("POST /api/clinics/c1/keys", body["keysHint"]!.GetValue<string>());
        Assert.Equal((HttpStatusCode.NotFound, HttpStatusCode.NotFound), (await UseAsync(first), await UseAsync(second)));
    }

    [Fact]
    public async Task A_key_from_before_key_ids_still_works_is_listed_as_legacy_and_can_be_revoked()
    {
        // A clinic as the previous release stored it: its one key "rk_<secret>", hashed on the clinic row and in a hash row.
        var issued = await Host.CreateClinicAsync("c1");
        var legacy = "rk_" + Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var tables = Host.Services.GetRequiredService<ReminderTables>();
        var clinic = (await tables.Clinics.GetEntityAsync<ClinicEntity>(ClinicEntity.Partition, "c1")).Value;
        clinic.ApiKeyHash = ApiKey.Hash(legacy);
        await tables.Clinics.UpdateEntityAsync(clinic, clinic.ETag, TableUpdateMode.Replace);
        await tables.ApiKeys.AddEntityAsync(new ApiKeyEntity { PartitionKey = ApiKey.Hash(legacy), ClinicId = "c1" });

        Assert.Equal(HttpStatusCode.NotFound, await UseAsync(legacy));
        var listed = (await ListAsync("c1")).Select(k => k!["id"]!.GetValue<string>()).ToArray();
        Assert.Equal(ClinicKeys.LegacyId, listed[0]);
        Assert.True((await ListAsync("c1"))[0]!["legacy"]!.GetValue<bool>());
        Assert.Null((await ListAsync("c1"))[0]!["prefix"]);

        // Re-putting the clinic keeps it working.
        var again = await Host.PutClinicAsync("c1", new { name = "C1", timeZone = "Europe/Madrid", bookingUrl = "https://c1.example.com/book" });
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, await UseAsync(legacy));

        Assert.Equal(HttpStatusCode.NoContent, (await Host.AdminSendAsync(HttpMethod.Delete, "/api/clinics/c1/keys/legacy")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, await UseAsync(legacy));
        Assert.Equal(HttpStatusCode.NotFound, await UseAsync(issued));
        Assert.DoesNotContain(ClinicKeys.LegacyId, (await ListAsync("c1")).Select(k => k!["id"]!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.NotFound, (await Host.AdminSendAsync(HttpMethod.Delete, "/api/clinics/c1/keys/legacy")).StatusCode);
    }

    [Fact]
    public async Task A_revoked_key_stops_on_other_instances_when_their_cache_entry_ends()
    {
        var key = await Host.CreateClinicAsync("c1");
        var id = (await IssueAsync("c1"))["id"]!.GetValue<string>();
        var other = (await ListAsync("c1")).Select(k => k!["id"]!.GetValue<string>()).Single(k => k != id);
        Assert.Equal(HttpStatusCode.NotFound, await UseAsync(key)); // cached here, as on any instance that served it

        // Another instance revokes: the row goes, this instance's cache does not hear of it.
        var tables = Host.Services.GetRequiredService<ReminderTables>();
        await tables.ApiKeys.DeleteEntityAsync(other, ClinicKeyEntity.Row);

        Assert.Equal(HttpStatusCode.NotFound, await UseAsync(key));
        Host.Time.Advance(ApiKeyCache.Lifetime);
        Assert.Equal(HttpStatusCode.Unauthorized, await UseAsync(key));
    }
}

public sealed class ServerClinicKeysContractTests(Azurite azurite) : ClinicKeysContractTests(azurite)
{
    protected override async Task<IApiHost> StartAsync(TestSettings settings, FakeTimeProvider time) => await ServerHost.StartAsync(settings, time);
}

public sealed class FunctionsClinicKeysContractTests(Azurite azurite) : ClinicKeysContractTests(azurite)
{
    protected override async Task<IApiHost> StartAsync(TestSettings settings, FakeTimeProvider time) => await FunctionsHost.StartAsync(settings, time);
}

/// <summary>What authenticating a clinic call costs in storage requests, counted on the table client.</summary>
public sealed class ClinicKeyLookupCostTests(Azurite azurite)
{
    private sealed class Counter : HttpPipelinePolicy
    {
        private readonly List<string> _calls = [];
        public string[] Calls { get { lock (_calls) return [.. _calls]; } }
        public void Clear() { lock (_calls) _calls.Clear(); }

        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            Record(message);
            ProcessNext(message, pipeline);
        }

        public override ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            Record(message);
            return ProcessNextAsync(message, pipeline);
        }

        private void Record(HttpMessage message)
        {
            lock (_calls) _calls.Add($"{message.Request.Method} {Uri.UnescapeDataString(message.Request.Uri.Path)}");
        }
    }

    [Fact]
    public async Task A_key_costs_two_point_reads_when_not_cached_and_none_when_cached()
    {
        var counter = new Counter();
        var settings = new TestSettings(azurite.ConnectionString);
        await using var host = await ServerHost.StartAsync(settings, TestClock.New(), services =>
        {
            var options = new TableClientOptions();
            options.AddPolicy(counter, HttpPipelinePosition.PerCall);
            services.AddSingleton(new TableServiceClient(settings.ConnectionString, options));
        });
        await host.CreateClinicAsync("c1");
        using var issue = new HttpRequestMessage(HttpMethod.Post, "/api/clinics/c1/keys") { Headers = { { "X-Admin-Key", TestSettings.AdminKey } } };
        var key = (await (await host.Client.SendAsync(issue)).Content.ReadFromJsonAsync<JsonObject>())!;
        var id = key["id"]!.GetValue<string>();

        counter.Clear();
        await host.SendAsync(HttpMethod.Get, "/api/patients/nobody", key["apiKey"]!.GetValue<string>());
        var first = counter.Calls.Where(c => c.Contains("ApiKeys") || c.Contains("Clinics")).ToArray();
        counter.Clear();
        await host.SendAsync(HttpMethod.Get, "/api/patients/nobody", key["apiKey"]!.GetValue<string>());
        var second = counter.Calls.Where(c => c.Contains("ApiKeys") || c.Contains("Clinics")).ToArray();
        counter.Clear();
        await host.SendAsync(HttpMethod.Get, "/api/patients/nobody", $"rk_{id}_{new string('A', 43)}");
        var forged = counter.Calls.Where(c => c.Contains("ApiKeys") || c.Contains("Clinics")).ToArray();

        Assert.Equal(2, first.Length);
        Assert.All(first, c => Assert.StartsWith("GET ", c));
        Assert.Contains(first, c => c.Contains($"ApiKeys(PartitionKey='{id}',RowKey='key')"));
        Assert.Contains(first, c => c.Contains("Clinics(PartitionKey='clinic',RowKey='c1')"));
        Assert.Empty(second);
        // A key with a real id and a wrong secret: the key row is read, the hash does not match, no clinic is read.
        Assert.Equal([$"GET {first.Single(c => c.Contains("ApiKeys"))[4..]}"], forged);
    }

    private async Task<(ServerHost Host, Counter Counter)> StartCountingAsync()
    {
        var counter = new Counter();
        var settings = new TestSettings(azurite.ConnectionString);
        var host = await ServerHost.StartAsync(settings, TestClock.New(), services =>
        {
            var options = new TableClientOptions();
            options.AddPolicy(counter, HttpPipelinePosition.PerCall);
            services.AddSingleton(new TableServiceClient(settings.ConnectionString, options));
        });
        await host.CreateClinicAsync("c1");
        counter.Clear();
        return (host, counter);
    }

    [Fact]
    public async Task The_same_wrong_key_a_hundred_times_costs_at_most_one_storage_read()
    {
        var (host, counter) = await StartCountingAsync();
        await using var _ = host;
        var wrong = "rk_abcdefgh_" + new string('A', 43);
        var legacyWrong = "rk_" + new string('B', 43);

        for (var i = 0; i < 100; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await host.SendAsync(HttpMethod.Get, "/api/patients/nobody", wrong)).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await host.SendAsync(HttpMethod.Get, "/api/patients/nobody", legacyWrong)).StatusCode);
        }

        var reads = counter.Calls.Where(c => c.Contains("ApiKeys") || c.Contains("Clinics")).ToArray();
        Assert.Equal(2, reads.Length);
        Assert.Single(reads, c => c.Contains("ApiKeys(PartitionKey='abcdefgh'"));
    }

    [Fact]
    public async Task A_hundred_different_malformed_keys_cost_no_storage_read()
    {
        var (host, counter) = await StartCountingAsync();
        await using var _ = host;

        for (var i = 0; i < 100; i++)
        {
            var malformed = (i % 4) switch
            {
                0 => $"rk_not-a-key-{i}",
                1 => $"rk_ABCDEFGH_{i}{new string('A', 40)}",
                2 => Guid.NewGuid().ToString(),
                _ => "rk_" + new string('*', 40) + i.ToString("000"),
            };
            Assert.Equal(HttpStatusCode.Unauthorized, (await host.SendAsync(HttpMethod.Get, "/api/patients/nobody", malformed)).StatusCode);
        }

        Assert.Empty(counter.Calls);
    }

    [Fact]
    public void Unknown_keys_are_remembered_for_a_short_time_and_in_bounded_number()
    {
        var time = TestClock.New();
        var cache = new Reminders.Clinics.ApiKeyCache(time);
        cache.RememberUnknown("a", cache.BeginLookup());
        Assert.True(cache.IsKnownUnknown("a"));
        time.Advance(Reminders.Clinics.ApiKeyCache.UnknownLifetime);
        Assert.False(cache.IsKnownUnknown("a"));

        for (var i = 0; i < Reminders.Clinics.ApiKeyCache.MaxUnknown * 3; i++) cache.RememberUnknown("k" + i, cache.BeginLookup());

        Assert.InRange(cache.UnknownCount, 1, Reminders.Clinics.ApiKeyCache.MaxUnknown);
        cache.ForgetKey("k" + (Reminders.Clinics.ApiKeyCache.MaxUnknown * 3 - 1));
        Assert.False(cache.IsKnownUnknown("k" + (Reminders.Clinics.ApiKeyCache.MaxUnknown * 3 - 1)));
    }

    [Fact]
    public void A_key_issued_while_a_lookup_of_it_was_reading_is_not_remembered_as_unknown()
    {
        var cache = new Reminders.Clinics.ApiKeyCache(TestClock.New());
        var lookup = cache.BeginLookup();
        cache.ForgetKey("new");                // the key is issued here while the lookup reads storage
        cache.RememberUnknown("new", lookup);  // the lookup read before the key row existed

        Assert.False(cache.IsKnownUnknown("new"));
    }
}
