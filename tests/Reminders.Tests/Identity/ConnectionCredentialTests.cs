using Azure.Identity;
using Reminders.Identity;

namespace Reminders.Tests.Identity;

/// <summary>credential/clientId, read as the Functions host reads them for an identity-based connection.</summary>
public sealed class ConnectionCredentialTests
{
    [Theory]
    [InlineData("managedidentity")]
    [InlineData("ManagedIdentity")]
    [InlineData(" managedidentity ")]
    public void Managed_identity_with_a_client_id_is_that_user_assigned_identity(string credential)
    {
        Assert.IsType<ManagedIdentityCredential>(ConnectionCredential.Create(credential, Guid.NewGuid().ToString(), "X__"));
    }

    [Fact]
    public void Managed_identity_without_a_client_id_is_the_system_assigned_identity()
    {
        Assert.IsType<ManagedIdentityCredential>(ConnectionCredential.Create("managedidentity", null, "X__"));
    }

    [Fact]
    public void No_credential_setting_is_the_default_chain_for_a_developers_sign_in()
    {
        Assert.IsType<DefaultAzureCredential>(ConnectionCredential.Create(null, null, "X__"));
        Assert.IsType<DefaultAzureCredential>(ConnectionCredential.Create("", Guid.NewGuid().ToString(), "X__"));
    }

    [Theory]
    [InlineData("clientsecret", null, "Email__Acs__credential")]
    [InlineData("managedidentity", "not-a-guid", "Email__Acs__clientId")]
    public void Unknown_values_are_refused_naming_the_setting(string credential, string? clientId, string named)
    {
        var error = Assert.Throws<InvalidOperationException>(() => ConnectionCredential.Create(credential, clientId, "Email__Acs__"));
        Assert.Contains(named, error.Message);
    }
}
