using Azure.Identity;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Reminders.Email;
using Reminders.Email.Acs;

namespace Reminders.Tests.Email.Acs;

/// <summary>Entra ID mode with a named managed identity: Email:Acs:Credential and Email:Acs:ClientId.</summary>
public sealed class AcsIdentityOptionsTests
{
    private const string Endpoint = "https://contoso.communication.azure.com";

    [Fact]
    public void A_named_user_assigned_identity_is_accepted_and_used()
    {
        var options = new AcsEmailOptions { Endpoint = Endpoint, Credential = "managedidentity", ClientId = Guid.NewGuid().ToString() };

        Assert.Empty(AcsEmailOptionsValidator.Errors(options));
        Assert.IsType<ManagedIdentityCredential>(AcsCredential.For(options));
    }

    [Fact]
    public void Without_credential_settings_the_endpoint_signs_in_with_the_default_chain_and_a_connection_string_needs_no_token()
    {
        Assert.IsType<DefaultAzureCredential>(AcsCredential.For(new AcsEmailOptions { Endpoint = Endpoint }));
        Assert.Null(AcsCredential.For(new AcsEmailOptions { ConnectionString = "endpoint=https://contoso.communication.azure.com/;accesskey=c2VjcmV0" }));
    }

    [Theory]
    [InlineData("clientsecret", null, "Email:Acs:Credential")]
    [InlineData("managedidentity", "not-a-guid", "Email:Acs:ClientId")]
    public void Bad_identity_settings_are_refused_naming_the_setting(string credential, string? clientId, string named)
    {
        var error = Assert.Single(AcsEmailOptionsValidator.Errors(new AcsEmailOptions { Endpoint = Endpoint, Credential = credential, ClientId = clientId }));
        Assert.StartsWith(named, error);
    }

    [Fact]
    public void Identity_settings_beside_a_connection_string_are_refused()
    {
        var errors = AcsEmailOptionsValidator.Errors(new AcsEmailOptions
        {
            ConnectionString = "endpoint=https://contoso.communication.azure.com/;accesskey=c2VjcmV0",
            ClientId = Guid.NewGuid().ToString(),
        });
        Assert.Contains(errors, e => e.Contains("Email:Acs:ClientId") && e.Contains("Endpoint"));
    }

    [Fact]
    public void The_app_builds_the_sender_from_the_settings_the_Function_App_gets()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Email:Provider"] = "Acs",
            ["Email:SenderAddress"] = "DoNotReply@contoso.azurecomm.net",
            ["Email:Acs:Endpoint"] = Endpoint,
            ["Email:Acs:Credential"] = "managedidentity",
            ["Email:Acs:ClientId"] = Guid.NewGuid().ToString(),
        }).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(TimeProvider.System);
        services.AddOptions<EmailOptions>().Bind(configuration.GetSection(EmailOptions.Section));
        services.AddEmailSender(configuration);
        using var provider = services.BuildServiceProvider();

        Assert.IsType<AcsEmailSender>(provider.GetRequiredService<IEmailSender>());
        Assert.Equal("managedidentity", provider.GetRequiredService<IOptions<AcsEmailOptions>>().Value.Credential);
    }
}
