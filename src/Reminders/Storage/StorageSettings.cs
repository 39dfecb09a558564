using Azure.Core;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;
using Reminders.Identity;

namespace Reminders.Storage;

/// <summary>
/// The service's storage clients, built from the settings the Functions host itself uses (<see cref="StorageEndpoints"/>):
/// a connection string, or identity-based access with the credential named by <c>AzureWebJobsStorage__credential</c>
/// and <c>__clientId</c> (<see cref="ConnectionCredential"/>), so app and host use one identity.
/// </summary>
public static class StorageSettings
{
    public const string Name = StorageEndpoints.Name;

    public static TableServiceClient CreateTableServiceClient(IConfiguration configuration)
    {
        var endpoints = StorageEndpoints.From(configuration);
        if (endpoints.UsesIdentity) return new TableServiceClient(endpoints.TableServiceUri!, Credential(configuration), ClientOptions());
        try
        {
            return new TableServiceClient(endpoints.ConnectionString, ClientOptions());
        }
        catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException)
        {
            throw new InvalidOperationException($"Setting '{Name}' is not a valid storage connection string: {e.Message}", e);
        }
    }

    /// <summary>The same account's queues (the dispatch queue).</summary>
    public static QueueServiceClient CreateQueueServiceClient(IConfiguration configuration)
    {
        // Base64, the encoding the Functions queue trigger reads by default (host.json says so too).
        var options = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 };
        var endpoints = StorageEndpoints.From(configuration);
        if (endpoints.UsesIdentity) return new QueueServiceClient(endpoints.QueueServiceUri!, Credential(configuration), options);
        try
        {
            return new QueueServiceClient(endpoints.ConnectionString, options);
        }
        catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException)
        {
            throw new InvalidOperationException($"Setting '{Name}' is not a valid storage connection string: {e.Message}", e);
        }
    }

    private static TokenCredential Credential(IConfiguration configuration) => ConnectionCredential.FromSection(configuration.GetSection(Name));

    private static TableClientOptions ClientOptions()
    {
        var options = new TableClientOptions();
        // The SDK's request logs include $filter and entity paths (patient ids) unredacted since 12.6: keep them at
        // the default "no query strings", and leave Azure SDK logging off in production log filters.
        options.Diagnostics.LoggedQueryParameters.Clear();
        return options;
    }
}
