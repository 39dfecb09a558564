using Microsoft.Extensions.Configuration;

namespace Reminders.Storage;

/// <summary>
/// Where the storage account is, from the same settings the Functions host reads: a connection string in
/// <c>AzureWebJobsStorage</c> (Azurite, or an account that allows shared keys), or identity-based
/// <c>AzureWebJobsStorage__tableServiceUri</c> / <c>__queueServiceUri</c>, or <c>AzureWebJobsStorage__accountName</c>
/// (public-cloud DNS names are derived from it). Deployed to Azure the account refuses shared keys, so only the
/// identity forms work there.
/// </summary>
public sealed record StorageEndpoints(string? ConnectionString, Uri? TableServiceUri, Uri? QueueServiceUri)
{
    public const string Name = "AzureWebJobsStorage";

    public bool UsesIdentity => ConnectionString is null;

    public static StorageEndpoints From(IConfiguration configuration)
    {
        var connectionString = configuration[Name];
        if (!string.IsNullOrWhiteSpace(connectionString)) return new StorageEndpoints(connectionString, null, null);

        var section = configuration.GetSection(Name);
        var accountName = section["accountName"];
        if (!string.IsNullOrWhiteSpace(accountName) && !IsAccountName(accountName))
            throw new InvalidOperationException($"Setting '{Name}__accountName' must be a storage account name (3-24 lowercase letters and digits), got '{accountName}'.");

        Uri? Service(string kind)
        {
            var explicitUri = section[$"{kind}ServiceUri"];
            if (!string.IsNullOrWhiteSpace(explicitUri))
            {
                if (!Uri.TryCreate(explicitUri, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http"))
                    throw new InvalidOperationException($"Setting '{Name}__{kind}ServiceUri' must be an absolute https URL, got '{explicitUri}'.");
                return uri;
            }
            return string.IsNullOrWhiteSpace(accountName) ? null : new Uri($"https://{accountName}.{kind}.core.windows.net");
        }

        var tables = Service("table");
        var queues = Service("queue");
        if (tables is null || queues is null)
            throw new InvalidOperationException(
                $"Setting '{Name}' is missing: set a storage connection string (UseDevelopmentStorage=true for Azurite), or for identity-based access " +
                $"'{Name}__accountName' (or both '{Name}__tableServiceUri' and '{Name}__queueServiceUri'), with '{Name}__credential' and '{Name}__clientId' for a managed identity.");
        return new StorageEndpoints(null, tables, queues);
    }

    private static bool IsAccountName(string name) =>
        name.Length is >= 3 and <= 24 && name.All(c => c is >= 'a' and <= 'z' or >= '0' and <= '9');
}
