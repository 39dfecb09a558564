using Azure.Core;
using Reminders.Identity;

namespace Reminders.Email.Acs;

/// <summary>
/// The identity the ACS sender signs in with in Entra ID mode. Deployed, it is the app's user-assigned identity
/// (<c>Email__Acs__Credential=managedidentity</c>, <c>Email__Acs__ClientId</c>): the only one granted the send role
/// on the resource, and a function app may carry several identities, so it is named rather than guessed.
/// </summary>
public static class AcsCredential
{
    /// <summary>Null with a connection string: that mode signs with the access key and needs no token.</summary>
    public static TokenCredential? For(AcsEmailOptions options) =>
        string.IsNullOrWhiteSpace(options.Endpoint) || !string.IsNullOrWhiteSpace(options.ConnectionString)
            ? null
            : ConnectionCredential.Create(options.Credential, options.ClientId, AcsEmailOptions.Section.Replace(":", "__") + "__");
}
