using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Reminders.Server;
using Reminders.Tests.Infrastructure;

namespace Reminders.Tests.Hosting;

/// <summary>An invalid setting stops start-up with a message naming it.</summary>
public sealed class SettingsTests(Azurite azurite)
{
    [Theory]
    [InlineData("AzureWebJobsStorage", "", "AzureWebJobsStorage")]
    [InlineData("AzureWebJobsStorage", "this is not a connection string", "AzureWebJobsStorage")]
    [InlineData("ReminderSweepSchedule", "every hour please", "ReminderSweepSchedule")]
    [InlineData("ReminderSweepSchedule", "", "ReminderSweepSchedule")]
    public void Bad_storage_or_schedule_settings_stop_the_build(string key, string value, string named)
    {
        var error = Assert.ThrowsAny<InvalidOperationException>(() => ReminderServer.Create(Args(key, value)));
        Assert.Contains(named, error.Message);
    }

    [Theory]
    [InlineData("Reminders:SweepTimeBudget", "00:00:01", "SweepTimeBudget")]
    [InlineData("Reminders:ClaimLease", "00:00:01", "ClaimLease")]
    [InlineData("Reminders:TablePrefix", "bad-prefix!", "TablePrefix")]
    [InlineData("Email:Provider", "Pigeon", "Email:Provider")]
    [InlineData("Email:SenderAddress", "not-an-address", "Email:SenderAddress")]
    [InlineData("Reminders:RateLimits:Clinic:Burst", "0", "Reminders:RateLimits")]
    [InlineData("Reminders:RateLimits:Anonymous:PermitsPerSecond", "0", "Reminders:RateLimits")]
    public async Task Bad_option_values_stop_start_up(string key, string value, string named)
    {
        await using var app = ReminderServer.Create(Args(key, value));
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());
        Assert.Contains(named, error.Message);
    }

    [Fact]
    public async Task An_empty_admin_key_refuses_every_admin_call()
    {
        await using var host = await ServerHost.StartAsync(new TestSettings(azurite.ConnectionString) { AdminKeyValue = "" }, TestClock.New());

        var withEmptyKey = await host.PutClinicAsync("c1", new { name = "C", timeZone = "UTC", bookingUrl = "https://c.example.com" }, adminKey: "");
        var withAnyKey = await host.PutClinicAsync("c1", new { name = "C", timeZone = "UTC", bookingUrl = "https://c.example.com" }, adminKey: TestSettings.AdminKey);

        Assert.Equal(HttpStatusCode.Unauthorized, withEmptyKey.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, withAnyKey.StatusCode);
    }

    [Fact]
    public async Task Health_is_503_when_storage_does_not_answer()
    {
        var settings = new TestSettings("DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;TableEndpoint=http://127.0.0.1:1/devstoreaccount1;");
        await using var host = await ServerHost.StartAsync(settings, TestClock.New());

        var response = await host.Client.GetAsync("/api/health");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(503, (await response.ProblemAsync())["status"]!.GetValue<int>());
    }

    [Fact]
    public async Task In_Development_links_point_at_the_listening_url_and_the_signing_key_survives_a_restart()
    {
        using var probe = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        var configuration = new TestSettings(azurite.ConnectionString).ToConfiguration();
        configuration.Remove("Reminders:PublicBaseUrl");
        configuration.Remove("Reminders:LinkSigningKey");
        var args = configuration.Select(kv => $"--{kv.Key}={kv.Value}").Concat([$"--urls=http://127.0.0.1:{port}", "--environment=Development"]).ToArray();
        await using var app = ReminderServer.Create(args);
        await app.StartAsync();

        var links = app.Services.GetRequiredService<IOptions<Reminders.Unsubscribe.PatientLinkOptions>>().Value;

        Assert.Equal($"http://127.0.0.1:{port}", links.PublicBaseUrl);
        // The same key at every start, so links in emails sent before a restart keep working.
        Assert.Equal(Reminders.Unsubscribe.PatientLinkOptions.DevelopmentLinkSigningKey, links.LinkSigningKey);
        await app.StopAsync();
    }

    [Fact]
    public void Outside_Development_the_public_development_keys_are_refused()
    {
        var configuration = new TestSettings(azurite.ConnectionString).ToConfiguration();
        configuration["Reminders:LinkSigningKey"] = Reminders.Unsubscribe.PatientLinkOptions.DevelopmentLinkSigningKey;
        configuration["Reminders:AddressHashKey"] = Reminders.Unsubscribe.PatientLinkOptions.DevelopmentAddressHashKey;
        var app = ReminderServer.Create(configuration.Select(kv => $"--{kv.Key}={kv.Value}").Append("--urls=http://127.0.0.1:0").ToArray());

        var error = Assert.Throws<OptionsValidationException>(() => app.Services.GetRequiredService<IOptions<Reminders.Unsubscribe.PatientLinkOptions>>().Value);

        Assert.Contains("Reminders:LinkSigningKey is the public development value", error.Message);
        Assert.Contains("Reminders:AddressHashKey is the public development value", error.Message);
    }

    [Fact]
    public void Outside_Development_links_need_a_public_url_and_a_signing_key()
    {
        var configuration = new TestSettings(azurite.ConnectionString).ToConfiguration();
        configuration.Remove("Reminders:PublicBaseUrl");
        configuration.Remove("Reminders:LinkSigningKey");
        var app = ReminderServer.Create(configuration.Select(kv => $"--{kv.Key}={kv.Value}").Append("--urls=http://127.0.0.1:0").ToArray());

        var error = Assert.Throws<OptionsValidationException>(() => app.Services.GetRequiredService<IOptions<Reminders.Unsubscribe.PatientLinkOptions>>().Value);

        Assert.Contains("Reminders:PublicBaseUrl", error.Message);
        Assert.Contains("Reminders:LinkSigningKey", error.Message);
    }

    private string[] Args(string key, string value)
    {
        var configuration = new TestSettings(azurite.ConnectionString).ToConfiguration();
        configuration[key] = value;
        return configuration.Select(kv => $"--{kv.Key}={kv.Value}").Append("--urls=http://127.0.0.1:0").ToArray();
    }
}
