using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Reminders.Email;
using Reminders.Email.Acs;

namespace Reminders.Tests.Email.Acs;

/// <summary>Email:Acs settings: one way to authenticate, a safe endpoint, a real key, sane limits; messages name the setting and never echo the key.</summary>
public sealed class AcsEmailOptionsTests
{
    private const string Key = "c2VjcmV0LWtleS1mb3ItdGVzdHM="; // base64 with padding

    private static List<string> Errors(AcsEmailOptions options) => AcsEmailOptionsValidator.Errors(options).ToList();

    [Theory]
    [InlineData("endpoint=https://contoso.communication.azure.com/;accesskey=" + Key, "https://contoso.communication.azure.com/")]
    [InlineData("Endpoint = https://contoso.communication.azure.com ; AccessKey = " + Key + ";", "https://contoso.communication.azure.com/")]
    [InlineData("accesskey=" + Key + ";endpoint=http://127.0.0.1:5123/", "http://127.0.0.1:5123/")]
    [InlineData("endpoint=http://localhost:8080;accesskey=" + Key, "http://localhost:8080/")]
    public void A_valid_connection_string_is_accepted_and_keeps_the_keys_padding(string connectionString, string endpoint)
    {
        Assert.Empty(Errors(new AcsEmailOptions { ConnectionString = connectionString }));
        Assert.True(AcsConnectionString.TryParse(connectionString, out var parsed, out _));
        Assert.Equal(endpoint, parsed!.Endpoint.AbsoluteUri);
        Assert.Equal(Convert.FromBase64String(Key), parsed.AccessKey);
    }

    [Theory]
    [InlineData("endpoint=http://contoso.communication.azure.com/;accesskey=" + Key, "https")]
    [InlineData("endpoint=https://contoso.communication.azure.com/;accesskey=not base64!" , "base64")]
    [InlineData("endpoint=https://contoso.communication.azure.com/", "accesskey")]
    [InlineData("endpoint=https://contoso.communication.azure.com/path;accesskey=" + Key, "no path")]
    [InlineData("endpoint=contoso;accesskey=" + Key, "absolute URL")]
    [InlineData("endpoint=https://a.example.com;endpoint=https://b.example.com;accesskey=" + Key, "twice")]
    [InlineData("endpoint=https://contoso.communication.azure.com;;accesskey=" + Key, "empty")]
    public void A_bad_connection_string_is_refused_with_a_reason_that_does_not_echo_the_key(string connectionString, string reason)
    {
        var error = Assert.Single(Errors(new AcsEmailOptions { ConnectionString = connectionString }));
        Assert.StartsWith("Email:Acs:ConnectionString", error);
        Assert.Contains(reason, error);
        Assert.DoesNotContain(Key, error);
    }

    [Fact]
    public void Exactly_one_of_connection_string_and_endpoint_is_required()
    {
        Assert.Contains("exactly one", Assert.Single(Errors(new AcsEmailOptions())));
        Assert.Contains("exactly one", Assert.Single(Errors(new AcsEmailOptions
        {
            ConnectionString = "endpoint=https://contoso.communication.azure.com/;accesskey=" + Key,
            Endpoint = "https://contoso.communication.azure.com",
        })));
        Assert.Empty(Errors(new AcsEmailOptions { Endpoint = "https://contoso.communication.azure.com/" }));
        Assert.StartsWith("Email:Acs:Endpoint", Assert.Single(Errors(new AcsEmailOptions { Endpoint = "http://contoso.communication.azure.com" })));
    }

    [Fact]
    public void Limits_and_timeouts_are_checked()
    {
        var errors = Errors(new AcsEmailOptions
        {
            Endpoint = "https://contoso.communication.azure.com",
            MaxPerMinute = 0,
            MaxRetries = -1,
            RetryDelay = TimeSpan.FromSeconds(10),
            MaxRetryDelay = TimeSpan.FromSeconds(1),
            RequestTimeout = TimeSpan.Zero,
        });
        Assert.Contains(errors, e => e.StartsWith("Email:Acs:MaxPerMinute"));
        Assert.Contains(errors, e => e.StartsWith("Email:Acs:MaxRetries"));
        Assert.Contains(errors, e => e.StartsWith("Email:Acs:MaxRetryDelay"));
        Assert.Contains(errors, e => e.StartsWith("Email:Acs:RequestTimeout"));
    }

    [Fact]
    public void The_defaults_are_the_acs_custom_domain_quotas()
    {
        var o = new AcsEmailOptions();
        Assert.Equal((30, 100, 60, 200), (o.MaxPerMinute, o.MaxPerHour, o.MaxStatusChecksPerMinute, o.MaxStatusChecksPerHour));
        Assert.Equal((3, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(15)), (o.MaxRetries, o.RetryDelay, o.MaxRetryDelay, o.RequestTimeout));
        Assert.Equal("Email:Acs", AcsEmailOptions.Section);
    }

    [Fact]
    public void The_sender_refuses_to_start_with_invalid_settings_and_through_the_options_validator()
    {
        var bad = new AcsEmailOptions { ConnectionString = "endpoint=http://contoso.example.com/;accesskey=" + Key };
        var e = Assert.Throws<OptionsValidationException>(() => new AcsEmailSender(Options.Create(bad), Options.Create(new EmailOptions()),
            TimeProvider.System, NullLogger<AcsEmailSender>.Instance));
        Assert.Contains("Email:Acs:ConnectionString", e.Message);
        Assert.True(new AcsEmailOptionsValidator().Validate(null, bad).Failed);
    }

    [Fact]
    public void Dependency_injection_builds_the_sender_from_the_email_acs_section()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Email:Acs:ConnectionString"] = "endpoint=https://contoso.communication.azure.com/;accesskey=" + Key,
            ["Email:Acs:MaxPerMinute"] = "10",
            ["Email:Acs:RetryDelay"] = "00:00:01",
        }).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(TimeProvider.System);
        services.AddOptions<EmailOptions>();
        services.AddOptions<AcsEmailOptions>().Bind(configuration.GetSection(AcsEmailOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<AcsEmailOptions>, AcsEmailOptionsValidator>();
        services.AddSingleton<IEmailSender, AcsEmailSender>();
        using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });

        Assert.IsType<AcsEmailSender>(provider.GetRequiredService<IEmailSender>());
        var options = provider.GetRequiredService<IOptions<AcsEmailOptions>>().Value;
        Assert.Equal((10, TimeSpan.FromSeconds(1)), (options.MaxPerMinute, options.RetryDelay));
    }
}
