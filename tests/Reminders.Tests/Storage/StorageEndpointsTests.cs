using Azure.Identity;
using Microsoft.Extensions.Configuration;
using Reminders.Storage;

namespace Reminders.Tests.Storage;

/// <summary>
/// The storage settings the app shares with the Functions host: a connection string (Azurite) or, deployed to an
/// account that refuses shared keys, identity-based <c>AzureWebJobsStorage__*</c> settings.
/// </summary>
public sealed class StorageEndpointsTests
{
    private static IConfiguration Settings(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    [Fact]
    public void A_connection_string_is_used_as_it_is_and_wins_over_identity_settings()
    {
        var endpoints = StorageEndpoints.From(Settings(("AzureWebJobsStorage", "UseDevelopmentStorage=true"), ("AzureWebJobsStorage:accountName", "stother")));

        Assert.False(endpoints.UsesIdentity);
        Assert.Equal("UseDevelopmentStorage=true", endpoints.ConnectionString);
        Assert.Equal("devstoreaccount1", StorageSettings.CreateTableServiceClient(Settings(("AzureWebJobsStorage", "UseDevelopmentStorage=true"))).AccountName);
    }

    [Fact]
    public void An_account_name_gives_the_public_cloud_table_and_queue_endpoints()
    {
        var endpoints = StorageEndpoints.From(Settings(("AzureWebJobsStorage:accountName", "streminders01"), ("AzureWebJobsStorage:credential", "managedidentity")));

        Assert.True(endpoints.UsesIdentity);
        Assert.Equal(new Uri("https://streminders01.table.core.windows.net"), endpoints.TableServiceUri);
        Assert.Equal(new Uri("https://streminders01.queue.core.windows.net"), endpoints.QueueServiceUri);
    }

    [Fact]
    public void Explicit_service_uris_win_over_the_account_name()
    {
        var endpoints = StorageEndpoints.From(Settings(
            ("AzureWebJobsStorage:accountName", "streminders01"),
            ("AzureWebJobsStorage:tableServiceUri", "https://streminders01.table.core.chinacloudapi.cn"),
            ("AzureWebJobsStorage:queueServiceUri", "https://streminders01.queue.core.chinacloudapi.cn")));

        Assert.Equal("streminders01.table.core.chinacloudapi.cn", endpoints.TableServiceUri!.Host);
        Assert.Equal("streminders01.queue.core.chinacloudapi.cn", endpoints.QueueServiceUri!.Host);
    }

    [Fact]
    public void App_settings_in_the_Functions_form_are_read_from_the_environment()
    {
        // In Azure app settings arrive as environment variables, '__' standing for the section separator.
        var prefix = $"REMINDERS_TEST_{Guid.NewGuid():N}_";
        Environment.SetEnvironmentVariable(prefix + "AzureWebJobsStorage__accountName", "stfromenv");
        try
        {
            var configuration = new ConfigurationBuilder().AddEnvironmentVariables(prefix).Build();
            Assert.Equal("stfromenv.table.core.windows.net", StorageEndpoints.From(configuration).TableServiceUri!.Host);
        }
        finally
        {
            Environment.SetEnvironmentVariable(prefix + "AzureWebJobsStorage__accountName", null);
        }
    }

    [Theory]
    [InlineData("AzureWebJobsStorage:accountName", "Not_An_Account", "AzureWebJobsStorage__accountName")]
    [InlineData("AzureWebJobsStorage:tableServiceUri", "streminders01.table.core.windows.net", "AzureWebJobsStorage__tableServiceUri")]
    [InlineData("AzureWebJobsStorage:tableServiceUri", "https://streminders01.table.core.windows.net", "AzureWebJobsStorage__accountName")] // no queue endpoint
    [InlineData("AzureWebJobsStorage:credential", "managedidentity", "AzureWebJobsStorage__accountName")] // an identity, but no account
    public void Incomplete_or_malformed_settings_stop_start_up_naming_the_setting(string key, string value, string named)
    {
        var error = Assert.Throws<InvalidOperationException>(() => StorageEndpoints.From(Settings((key, value))));
        Assert.Contains(named, error.Message);
    }

    [Fact]
    public void Identity_based_clients_point_at_the_account_and_sign_in_with_the_named_identity()
    {
        var clientId = Guid.NewGuid().ToString();
        var settings = Settings(("AzureWebJobsStorage:accountName", "streminders01"), ("AzureWebJobsStorage:credential", "managedidentity"), ("AzureWebJobsStorage:clientId", clientId));

        Assert.Equal("streminders01", StorageSettings.CreateTableServiceClient(settings).AccountName);
        Assert.Equal("streminders01", StorageSettings.CreateQueueServiceClient(settings).AccountName);
        Assert.IsType<ManagedIdentityCredential>(Reminders.Identity.ConnectionCredential.FromSection(settings.GetSection("AzureWebJobsStorage")));
    }

    [Fact]
    public void A_bad_credential_setting_stops_start_up_naming_it()
    {
        var settings = Settings(("AzureWebJobsStorage:accountName", "streminders01"), ("AzureWebJobsStorage:credential", "connectionstring"));

        var error = Assert.Throws<InvalidOperationException>(() => StorageSettings.CreateTableServiceClient(settings));
        Assert.Contains("AzureWebJobsStorage__credential", error.Message);
    }
}
