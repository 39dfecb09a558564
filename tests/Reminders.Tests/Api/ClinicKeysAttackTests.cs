using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Reminders.Clinics;
using Reminders.Storage;
using Reminders.Tests.Infrastructure;

namespace Reminders.Tests.Api;

/// <summary>
/// Clinic API keys under attack and under races, on the Server with its storage behind a <see cref="StorageGate"/>:
/// a revocation that lands while the key is being looked up, two issues at the limit, a listed id that is another
/// clinic's key, and malformed key headers.
/// </summary>
public sealed class ClinicKeysAttackTests(Azurite azurite) : GatedServerTests(azurite)
{
    private async Task<string[]> ListedIdsAsync(string clinicId)
    {
        var response = await Host.AdminSendAsync(HttpMethod.Get, $"/api/clinics/{clinicId}/keys");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["keys"]!.AsArray().Select(k => k!["id"]!.GetValue<string>()).ToArray();
    }

    /// <summary>404 for the unknown patient: the key worked; 401: it did not.</summary>
    private async Task<HttpStatusCode> UseAsync(string apiKey) => (await Host.SendAsync(HttpMethod.Get, "/api/patients/nobody", apiKey)).StatusCode;

    private static Func<StorageGate.Call, bool> ClinicRowRead(string clinicId) =>
        c => c.Method == "GET" && c.Url.Contains($"Clinics(PartitionKey='clinic',RowKey='{clinicId}')", StringComparison.Ordinal);

    [Fact]
    public async Task A_key_revoked_while_a_request_is_looking_it_up_does_not_work_afterwards_on_the_revoking_instance()
    {
        var key = await Host.CreateClinicAsync("c1");
        var id = ApiKey.IdOf(key)!;
        // The lookup has read the key row and waits on the clinic row: the revocation lands exactly then.
        var held = Gate.HoldFirst(ClinicRowRead("c1"));
        var inFlight = UseAsync(key);
        await held.Reached;

        Assert.Equal(HttpStatusCode.NoContent, (await Host.AdminSendAsync(HttpMethod.Delete, $"/api/clinics/c1/keys/{id}")).StatusCode);
        held.Release();
        await inFlight; // began before the revocation: either answer is fair

        Assert.Equal(HttpStatusCode.Unauthorized, await UseAsync(key));
    }

    [Fact]
    public async Task A_legacy_key_revoked_while_a_request_is_looking_it_up_does_not_work_afterwards_on_the_revoking_instance()
    {
        await Host.CreateClinicAsync("c1");
        var legacy = "rk_" + Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var tables = Host.Services.GetRequiredService<ReminderTables>();
        var clinic = (await tables.Clinics.GetEntityAsync<ClinicEntity>(ClinicEntity.Partition, "c1")).Value;
        clinic.ApiKeyHash = ApiKey.Hash(legacy);
        await tables.Clinics.UpdateEntityAsync(clinic, clinic.ETag, TableUpdateMode.Replace);
        await tables.ApiKeys.AddEntityAsync(new ApiKeyEntity { PartitionKey = ApiKey.Hash(legacy), ClinicId = "c1" });

        var held = Gate.HoldFirst(ClinicRowRead("c1"));
        var inFlight = UseAsync(legacy);
        await held.Reached;

        Assert.Equal(HttpStatusCode.NoContent, (await Host.AdminSendAsync(HttpMethod.Delete, "/api/clinics/c1/keys/legacy")).StatusCode);
        held.Release();
        await inFlight;

        Assert.Equal(HttpStatusCode.Unauthorized, await UseAsync(legacy));
    }

    [Fact]
    public async Task A_key_revoked_elsewhere_during_a_slow_lookup_stops_here_within_the_cache_lifetime_of_the_revocation()
    {
        var key = await Host.CreateClinicAsync("c1");
        var id = ApiKey.IdOf(key)!;
        // This instance has read the key row; its clinic read is slow (storage retries). Another instance revokes the key now.
        var held = Gate.HoldFirst(ClinicRowRead("c1"));
        var inFlight = UseAsync(key);
        await held.Reached;
        await Host.Services.GetRequiredService<ReminderTables>().ApiKeys.DeleteEntityAsync(id, ClinicKeyEntity.Row);
        Host.Time.Advance(TimeSpan.FromSeconds(10));
        held.Release();
        await inFlight;

        // 30 s after the revocation: whatever this instance remembered from before it must have expired.
        Host.Time.Advance(ApiKeyCache.Lifetime - TimeSpan.FromSeconds(10));
        Assert.Equal(HttpStatusCode.Unauthorized, await UseAsync(key));
    }

    [Fact]
    public async Task A_key_revoked_from_the_listing_while_it_is_being_issued_never_works_unlisted()
    {
        await Host.CreateClinicAsync("c1");
        var before = await ListedIdsAsync("c1");
        // The issue has written its listing row and waits to write the key row; an admin sees the new id and revokes it.
        var held = Gate.HoldFirst(c => c.Method == "POST" && c.Url.Contains("ApiKeys", StringComparison.Ordinal) && c.Body.Contains("\"Hash\"", StringComparison.Ordinal));
        var issuing = Host.AdminSendAsync(HttpMethod.Post, "/api/clinics/c1/keys");
        await held.Reached;
        var id = Assert.Single((await ListedIdsAsync("c1")).Except(before));
        Assert.Equal(HttpStatusCode.NoContent, (await Host.AdminSendAsync(HttpMethod.Delete, $"/api/clinics/c1/keys/{id}")).StatusCode);
        held.Release();
        var issued = await issuing;

        // Every key row of the clinic (every key that works) is listed, and so can be revoked.
        var listed = await ListedIdsAsync("c1");
        var working = new List<string>();
        await foreach (var row in Host.Services.GetRequiredService<ReminderTables>().ApiKeys.QueryAsync<ClinicKeyEntity>(e => e.RowKey == ClinicKeyEntity.Row))
            if (row.ClinicId == "c1") working.Add(row.PartitionKey);
        Assert.All(working, w => Assert.Contains(w, listed));
        if (issued.StatusCode == HttpStatusCode.Created)
        {
            var key = (await issued.Content.ReadFromJsonAsync<JsonObject>())!["apiKey"]!.GetValue<string>();
            Assert.Contains(ApiKey.IdOf(key)!, listed);
        }
    }

    [Fact]
    public async Task A_key_revoked_while_it_is_being_issued_does_not_work_when_the_issue_finishes_first()
    {
        await Host.CreateClinicAsync("c1");
        var before = await ListedIdsAsync("c1");
        var keyRow = Gate.HoldFirst(c => c.Method == "POST" && c.Url.Contains("ApiKeys", StringComparison.Ordinal) && c.Body.Contains("\"Hash\"", StringComparison.Ordinal));
        var issuing = Host.AdminSendAsync(HttpMethod.Post, "/api/clinics/c1/keys");
        await keyRow.Reached;
        var id = Assert.Single((await ListedIdsAsync("c1")).Except(before));
        // The revocation finds no key row yet and is about to delete the listing row; the issue then completes.
        var listingDelete = Gate.HoldFirst(c => c.Method == "DELETE" && c.Url.Contains($"keys:c1',RowKey='{id}'", StringComparison.Ordinal));
        var revoking = Host.AdminSendAsync(HttpMethod.Delete, $"/api/clinics/c1/keys/{id}");
        await listingDelete.Reached;
        keyRow.Release();
        var issued = await issuing;
        Assert.Equal(HttpStatusCode.Created, issued.StatusCode);
        listingDelete.Release();
        Assert.Equal(HttpStatusCode.NoContent, (await revoking).StatusCode);

        var key = (await issued.Content.ReadFromJsonAsync<JsonObject>())!["apiKey"]!.GetValue<string>();
        Assert.DoesNotContain(ApiKey.IdOf(key)!, await ListedIdsAsync("c1"));
        Assert.Equal(HttpStatusCode.Unauthorized, await UseAsync(key));
    }

    [Fact]
    public async Task Two_issues_racing_at_nine_keys_never_leave_more_than_ten()
    {
        await Host.CreateClinicAsync("c1");
        for (var i = 2; i < ClinicKeys.MaxKeysPerClinic; i++)
            Assert.Equal(HttpStatusCode.Created, (await Host.AdminSendAsync(HttpMethod.Post, "/api/clinics/c1/keys")).StatusCode);
        Assert.Equal(ClinicKeys.MaxKeysPerClinic - 1, (await ListedIdsAsync("c1")).Length);

        // The first issue has counted nine and is about to write its listing row; the second runs meanwhile.
        var held = Gate.HoldFirst(c => c.Method == "POST" && c.Url.Contains("ApiKeys", StringComparison.Ordinal) && c.Body.Contains("\"keys:c1\"", StringComparison.Ordinal));
        var first = Host.AdminSendAsync(HttpMethod.Post, "/api/clinics/c1/keys");
        await held.Reached;
        var second = await Host.AdminSendAsync(HttpMethod.Post, "/api/clinics/c1/keys");
        held.Release();
        var statuses = new[] { (await first).StatusCode, second.StatusCode };

        Assert.True((await ListedIdsAsync("c1")).Length <= ClinicKeys.MaxKeysPerClinic, $"answers {string.Join(", ", statuses)}");
        Assert.All(statuses, s => Assert.Contains(s, new[] { HttpStatusCode.Created, HttpStatusCode.Conflict }));
        Assert.Contains(HttpStatusCode.Created, statuses);
    }

    [Fact]
    public async Task A_listed_key_whose_id_is_now_another_clinics_key_can_still_be_revoked()
    {
        // An issue interrupted after its listing row, whose id then went to another clinic's key (a collision of the
        // random ids, handled by drawing again; a crash at that point leaves the listing row behind).
        await Host.CreateClinicAsync("c1");
        var otherKey = await Host.CreateClinicAsync("c2");
        var id = ApiKey.IdOf(otherKey)!;
        var tables = Host.Services.GetRequiredService<ReminderTables>();
        await tables.ApiKeys.AddEntityAsync(new ClinicKeyListingEntity { PartitionKey = ClinicKeyListingEntity.PartitionOf("c1"), RowKey = id, CreatedAt = Host.Time.GetUtcNow() });
        Assert.Contains(id, await ListedIdsAsync("c1"));

        Assert.Equal(HttpStatusCode.NoContent, (await Host.AdminSendAsync(HttpMethod.Delete, $"/api/clinics/c1/keys/{id}")).StatusCode);

        Assert.DoesNotContain(id, await ListedIdsAsync("c1"));
        // The other clinic's key is untouched: c1's admin call reached nothing of c2's.
        Assert.Contains(id, await ListedIdsAsync("c2"));
        Assert.Equal(HttpStatusCode.NotFound, await UseAsync(otherKey));
    }

    public static TheoryData<string> MalformedKeys() =>
    [
        new string('a', 10_000),
        "rk_" + new string('x', 8) + "_" + new string('A', 43) + new string('B', 150),
        "rk_ab/cd\\ef_" + new string('A', 43),
        "rk_ab#cd?ef_" + new string('A', 43),
        "rk_ab'cd'ef_" + new string('A', 43),
        "rk_" + "abc\tdefg" + "_" + new string('A', 43),
        "rk_../../x_" + new string('A', 43),
        "rk_",
        "rk__",
        "rk_%2F%5C%23%3F",
        "rk_ABCDEFGH_" + new string('A', 43),
    ];

    [Theory]
    [MemberData(nameof(MalformedKeys))]
    public async Task A_malformed_key_header_is_a_401(string header)
    {
        await Host.CreateClinicAsync("c1");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/patients/nobody");
        Assert.True(request.Headers.TryAddWithoutValidation("X-Api-Key", header));
        var response = await Host.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task A_key_header_with_non_ascii_text_is_refused_never_a_500()
    {
        await Host.CreateClinicAsync("c1");
        using var handler = new SocketsHttpHandler { RequestHeaderEncodingSelector = (_, _) => System.Text.Encoding.UTF8 };
        using var client = new HttpClient(handler) { BaseAddress = Host.Client.BaseAddress };
        foreach (var header in new[] { "rk_ñññññññ_" + new string('A', 43), "rk_\u200bé漢字_" + new string('A', 43), "🔑" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/patients/nobody");
            Assert.True(request.Headers.TryAddWithoutValidation("X-Api-Key", header));
            var response = await client.SendAsync(request);
            Assert.Contains(response.StatusCode, new[] { HttpStatusCode.Unauthorized, HttpStatusCode.BadRequest });
        }
    }
}
