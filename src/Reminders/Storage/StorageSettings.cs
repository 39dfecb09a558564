using Azure.Data.Tables;
using Azure.Identity;
using Microsoft.Extensions.Configuration;

namespace Reminders.Storage;

/// <summary>
/// Reads the storage account from <c>AzureWebJobsStorage</c>, the setting the Functions host itself uses:
/// a connection string, or <c>AzureWebJobsStorage__tableServiceUri</c> for identity-based access.
/// </summary>
public static class StorageSettings
{
    public const string Name = "AzureWebJobsStorage";

    public static TableServiceClient CreateTableServiceClient(IConfiguration configuration)
    {
        var connectionString = configuration[Name];
        if (!string.IsNullOrWhiteSpace(connectionString))
        {
            try
            {
                return new TableServiceClient(connectionString, ClientOptions());
            }
            catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException)
            {
                throw new InvalidOperationException($"Setting '{Name}' is not a valid storage connection string: {e.Message}", e);
            }
        }

        var serviceUri = configuration[$"{Name}:tableServiceUri"];
        if (!string.IsNullOrWhiteSpace(serviceUri))
        {
            if (!Uri.TryCreate(serviceUri, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http"))
                throw new InvalidOperationException($"Setting '{Name}__tableServiceUri' must be an absolute https URL, got '{serviceUri}'.");
            return new TableServiceClient(uri, new DefaultAzureCredential(), ClientOptions());
        }

        throw new InvalidOperationException(
            $"Setting '{Name}' is missing: set a storage connection string (UseDevelopmentStorage=true for Azurite) or '{Name}__tableServiceUri'.");
    }

    /// <summary>The same account's queues: the connection string, or <c>AzureWebJobsStorage__queueServiceUri</c> with identity.</summary>
    public static Azure.Storage.Queues.QueueServiceClient CreateQueueServiceClient(IConfiguration configuration)
    {
        // Base64, the encoding the Functions queue trigger reads by default (host.json says so too).
        var options = new Azure.Storage.Queues.QueueClientOptions { MessageEncoding = Azure.Storage.Queues.QueueMessageEncoding.Base64 };
        var connectionString = configuration[Name];
        if (!string.IsNullOrWhiteSpace(connectionString))
        {
            try
            {
                return new Azure.Storage.Queues.QueueServiceClient(connectionString, options);
            }
            catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException)
            {
                throw new InvalidOperationException($"Setting '{Name}' is not a valid storage connection string: {e.Message}", e);
            }
        }
        var serviceUri = configuration[$"{Name}:queueServiceUri"];
        if (!string.IsNullOrWhiteSpace(serviceUri) && Uri.TryCreate(serviceUri, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http")
            return new Azure.Storage.Queues.QueueServiceClient(uri, new DefaultAzureCredential(), options);
        throw new InvalidOperationException(
            $"Setting '{Name}__queueServiceUri' must be an absolute https URL when '{Name}' holds no connection string (the dispatch queue needs it).");
    }

    private static TableClientOptions ClientOptions()
    {
        var options = new TableClientOptions();
        // The SDK's request logs include $filter and entity paths (patient ids) unredacted since 12.6: keep them at
        // the default "no query strings", and leave Azure SDK logging off in production log filters.
        options.Diagnostics.LoggedQueryParameters.Clear();
        return options;
    }
}
