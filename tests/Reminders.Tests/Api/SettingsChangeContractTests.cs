using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using Reminders.Tests.Infrastructure;

namespace Reminders.Tests.Api;

/// <summary>A clinic's settings change against its nightly re-sync of sessions, over HTTP on both hosts.</summary>
public abstract class SettingsChangeContractTests(Azurite azurite) : HostedApiTests(azurite)
{
    private static object Body(string patientId, string injectionDate) =>
        new { patientId, email = $"{patientId}@example.com", injectionDate };

    private static object Clinic(int reliefDays, int remindDaysBefore = 14) => new
    {
        name = "Clínica c1", timeZone = "Europe/Madrid", bookingUrl = "https://c1.example.com/book", reliefDays, remindDaysBefore,
    };

    [Fact]
    public async Task Nightly_resync_after_a_settings_change_does_not_resend()
    {
        // Reproduced on the previous design: the re-post got a new reminder id and a second email.
        var apiKey = await Host.CreateClinicAsync("c1");
        var sent = await Host.PostSessionOkAsync(apiKey, Body("p1", Host.DaysAgo(80)));
        Assert.Equal(1, (await Host.SweepAsync()).Count("sent"));

        Assert.Equal(HttpStatusCode.OK, (await Host.PutClinicAsync("c1", Clinic(reliefDays: 92))).StatusCode);
        var again = await Host.SendAsync(HttpMethod.Post, "/api/sessions", apiKey, Body("p1", Host.DaysAgo(80)));

        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var session = (await again.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("Sent", session["status"]!.GetValue<string>());
        Assert.Equal(sent["reminderId"]!.GetValue<string>(), session["reminderId"]!.GetValue<string>());
        Assert.Equal(90, session["reliefDays"]!.GetValue<int>()); // the relief it was sent under, snapshotted
        var sweep = await Host.SweepAsync();
        Assert.Equal(0, sweep.Count("sent"));
        Assert.Single(Outbox.Files(Host.Settings.OutboxPath));
    }

    [Fact]
    public async Task A_settings_change_moves_pending_reminders_without_their_own_relief_and_says_how_many()
    {
        var apiKey = await Host.CreateClinicAsync("c1");
        await Host.PostSessionOkAsync(apiKey, Body("sent", Host.DaysAgo(80)));
        Assert.Equal(1, (await Host.SweepAsync()).Count("sent"));
        var pending = await Host.PostSessionOkAsync(apiKey, Body("pending", Host.DaysAgo(10)));
        var own = await Host.PostSessionOkAsync(apiKey, new { patientId = "own", email = "own@example.com", injectionDate = Host.DaysAgo(10), reliefDays = 120 });

        var update = await Host.PutClinicAsync("c1", Clinic(reliefDays: 100, remindDaysBefore: 10));

        var body = (await update.Content.ReadFromJsonAsync<JsonObject>())!;
        // Both pending reminders move (remindDaysBefore reaches every pending one); the sent one does not count.
        Assert.Equal(2, body["replanned"]!["moved"]!.GetValue<int>());
        Assert.Equal(0, body["replanned"]!["left"]!.GetValue<int>());
        var moved = (await Host.GetPatientAsync(apiKey, "pending"))!["sessions"]![0]!;
        Assert.Equal(Host.DaysAgo(10 - 100 + 10), moved["reminderDate"]!.GetValue<string>());
        Assert.NotEqual(pending["reminderId"]!.GetValue<string>(), moved["reminderId"]!.GetValue<string>());
        var kept = (await Host.GetPatientAsync(apiKey, "own"))!["sessions"]![0]!;
        Assert.Equal((120, Host.DaysAgo(10 - 120 + 10)), (kept["reliefDays"]!.GetValue<int>(), kept["reminderDate"]!.GetValue<string>()));
        Assert.NotEqual(own["reminderDate"]!.GetValue<string>(), kept["reminderDate"]!.GetValue<string>());
        var sentView = (await Host.GetPatientAsync(apiKey, "sent"))!["sessions"]![0]!;
        Assert.Equal(("Sent", 90), (sentView["status"]!.GetValue<string>(), sentView["reliefDays"]!.GetValue<int>()));

        // The nightly re-sync of the same bodies changes nothing now either.
        foreach (var id in new[] { "pending", "sent" })
        {
            var response = await Host.SendAsync(HttpMethod.Post, "/api/sessions", apiKey, Body(id, Host.DaysAgo(id == "sent" ? 80 : 10)));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        Assert.Equal(moved["reminderId"]!.GetValue<string>(), (await Host.GetPatientAsync(apiKey, "pending"))!["sessions"]![0]!["reminderId"]!.GetValue<string>());
        // A change that moves nothing says so.
        var same = (await (await Host.PutClinicAsync("c1", Clinic(reliefDays: 100, remindDaysBefore: 10))).Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Null(same["replanned"]);
    }
}

public sealed class ServerSettingsChangeContractTests(Azurite azurite) : SettingsChangeContractTests(azurite)
{
    protected override async Task<IApiHost> StartAsync(TestSettings settings, FakeTimeProvider time) => await ServerHost.StartAsync(settings, time);
}

public sealed class FunctionsSettingsChangeContractTests(Azurite azurite) : SettingsChangeContractTests(azurite)
{
    protected override async Task<IApiHost> StartAsync(TestSettings settings, FakeTimeProvider time) => await FunctionsHost.StartAsync(settings, time);
}
