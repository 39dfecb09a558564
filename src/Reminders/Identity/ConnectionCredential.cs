using Azure.Core;
using Azure.Identity;
using Microsoft.Extensions.Configuration;

namespace Reminders.Identity;

/// <summary>
/// The Microsoft Entra ID credential of an identity-based connection, read the way the Functions host reads
/// <c>AzureWebJobsStorage__credential</c> and <c>AzureWebJobsStorage__clientId</c>, so the app and the host use the
/// same identity from the same settings: <c>credential=managedidentity</c> with a <c>clientId</c> is that user-assigned
/// identity, without one the system-assigned identity; no <c>credential</c> is <see cref="DefaultAzureCredential"/>
/// (a developer's az/azd login).
/// </summary>
public static class ConnectionCredential
{
    public const string ManagedIdentity = "managedidentity";

    /// <param name="settingPrefix">How an error names the settings, e.g. <c>AzureWebJobsStorage__</c>.</param>
    public static TokenCredential Create(string? credential, string? clientId, string settingPrefix)
    {
        var hasClientId = !string.IsNullOrWhiteSpace(clientId);
        if (hasClientId && !Guid.TryParse(clientId, out _))
            throw new InvalidOperationException($"Setting '{settingPrefix}clientId' must be the client id (a GUID) of a managed identity, got '{clientId}'.");

        if (string.IsNullOrWhiteSpace(credential))
        {
            // A client id alone still names the identity: DefaultAzureCredential would otherwise pick the system-assigned one.
            return hasClientId
                ? new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = clientId })
                : new DefaultAzureCredential();
        }
        if (!string.Equals(credential.Trim(), ManagedIdentity, StringComparison.OrdinalIgnoreCase))
            throw new InvalidOperationException($"Setting '{settingPrefix}credential' must be '{ManagedIdentity}' or empty, got '{credential}'.");
        return new ManagedIdentityCredential(hasClientId
            ? ManagedIdentityId.FromUserAssignedClientId(clientId!.Trim())
            : ManagedIdentityId.SystemAssigned);
    }

    /// <summary>From a Functions-style connection section: its <c>credential</c> and <c>clientId</c> keys.</summary>
    public static TokenCredential FromSection(IConfigurationSection section) =>
        Create(section["credential"], section["clientId"], section.Path.Replace(":", "__") + "__");
}
