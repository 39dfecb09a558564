using System.Net;
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

    private string[] Args(string key, string value)
    {
        var configuration = new TestSettings(azurite.ConnectionString).ToConfiguration();
        configuration[key] = value;
        return configuration.Select(kv => $"--{kv.Key}={kv.Value}").Append("--urls=http://127.0.0.1:0").ToArray();
    }
}
