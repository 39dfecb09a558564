using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Reminders.Tests.Infrastructure;

namespace Reminders.Tests.Dashboard;

/// <summary>
/// Revocation racing a sign-in, driven at the worst storage call by a <see cref="StorageGate"/> on the Server: it
/// lands after a redemption checked for it and before the redemption wrote its row, and after a session's first use
/// read the revocation row and before it cached the clinic. Either way the session does not work afterwards.
/// </summary>
public sealed class StaffSignInAttackTests(Azurite azurite) : GatedServerTests(azurite)
{
    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        await Host.CreateClinicAsync("c1");
    }

    private async Task<string> LinkTokenAsync()
    {
        var url = (await (await Host.AdminSendAsync(HttpMethod.Post, "/api/clinics/c1/sign-in-links")).Content.ReadFromJsonAsync<JsonObject>())!["url"]!.GetValue<string>();
        return ApiCalls.SignInTokenOf(url);
    }

    private async Task<HttpResponseMessage> RedeemAsync(string token) => await Host.Client.PostAsJsonAsync("/api/staff-sessions", new { signInLink = token });

    private async Task<HttpStatusCode> UseAsync(string key) => (await Host.SendAsync(HttpMethod.Get, "/api/clinic", key)).StatusCode;

    private Task<HttpResponseMessage> RevokeAsync() => Host.AdminSendAsync(HttpMethod.Delete, "/api/clinics/c1/staff-sessions");

    [Fact]
    public async Task A_revocation_landing_mid_redemption_voids_the_session_it_returns()
    {
        var token = await LinkTokenAsync();
        Host.Time.Advance(TimeSpan.FromSeconds(1));
        // The redemption has found no revocation and is writing its row: the revocation lands exactly then.
        var held = Gate.HoldFirst(c => c.Method == "POST" && c.Body.Contains("staff-sign-in|c1", StringComparison.Ordinal));
        var redeeming = RedeemAsync(token);
        await held.Reached;
        Assert.Equal(HttpStatusCode.NoContent, (await RevokeAsync()).StatusCode);
        Host.Time.Advance(TimeSpan.FromSeconds(1)); // whatever the clock says after the revocation, it stands
        held.Release();

        var answer = await redeeming;
        if (answer.StatusCode == HttpStatusCode.Created)
            Assert.Equal(HttpStatusCode.Unauthorized, await UseAsync((await answer.Content.ReadFromJsonAsync<JsonObject>())!["sessionKey"]!.GetValue<string>()));
        else Assert.Equal(HttpStatusCode.Unauthorized, answer.StatusCode);
    }

    [Fact]
    public async Task A_revocation_landing_while_a_session_is_first_looked_up_is_not_undone_by_the_cache()
    {
        var response = await RedeemAsync(await LinkTokenAsync());
        var key = (await response.Content.ReadFromJsonAsync<JsonObject>())!["sessionKey"]!.GetValue<string>();
        Host.Time.Advance(TimeSpan.FromSeconds(1));
        // The lookup has read "not revoked" and waits on the clinic row: the revocation lands exactly then.
        var held = Gate.HoldFirst(c => c.Method == "GET" && c.Url.Contains("Clinics(PartitionKey='clinic',RowKey='c1')", StringComparison.Ordinal));
        var inFlight = UseAsync(key);
        await held.Reached;
        Assert.Equal(HttpStatusCode.NoContent, (await RevokeAsync()).StatusCode);
        held.Release();
        await inFlight; // began before the revocation: either answer is fair

        Assert.Equal(HttpStatusCode.Unauthorized, await UseAsync(key));
    }

    [Fact]
    public async Task Instances_whose_clocks_disagree_agree_on_what_a_revocation_voids()
    {
        // A second instance on the same storage, its clock 5 s behind: it revokes, twice.
        await using var slow = await ServerHost.StartAsync(Host.Settings, TestClock.New(Host.Time.GetUtcNow().AddSeconds(-5)));
        var beforeRevocation = await LinkTokenAsync();
        var session = await RedeemAsync(await LinkTokenAsync());
        var key = (await session.Content.ReadFromJsonAsync<JsonObject>())!["sessionKey"]!.GetValue<string>();

        Assert.Equal(HttpStatusCode.NoContent, (await slow.AdminSendAsync(HttpMethod.Delete, "/api/clinics/c1/staff-sessions")).StatusCode);
        var afterFirst = await LinkTokenAsync();
        Assert.Equal(HttpStatusCode.NoContent, (await slow.AdminSendAsync(HttpMethod.Delete, "/api/clinics/c1/staff-sessions")).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await RedeemAsync(beforeRevocation)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await RedeemAsync(afterFirst)).StatusCode); // the second revocation counts too
        Assert.Equal(HttpStatusCode.Unauthorized, (await slow.SendAsync(HttpMethod.Get, "/api/clinic", key)).StatusCode);
        var fresh = await RedeemAsync(await LinkTokenAsync());
        Assert.Equal(HttpStatusCode.Created, fresh.StatusCode);
        Assert.Equal(HttpStatusCode.OK, await UseAsync((await fresh.Content.ReadFromJsonAsync<JsonObject>())!["sessionKey"]!.GetValue<string>()));
    }

    [Fact]
    public async Task A_session_costs_no_storage_read_once_known_and_a_forged_one_none_at_all()
    {
        var response = await RedeemAsync(await LinkTokenAsync());
        var key = (await response.Content.ReadFromJsonAsync<JsonObject>())!["sessionKey"]!.GetValue<string>();
        Assert.Equal(HttpStatusCode.OK, await UseAsync(key));

        var before = Gate.Calls.Count;
        Assert.Equal(HttpStatusCode.OK, await UseAsync(key));
        Assert.Equal(HttpStatusCode.Unauthorized, await UseAsync("rt_" + new string('A', 120)));
        Assert.Equal(before, Gate.Calls.Count);
    }
}
