using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Reminders.Email.Smtp;
using Reminders.Tests.Infrastructure;

namespace Reminders.Tests.Email.Smtp;

public sealed class SmtpOptionsValidatorTests
{
    [Fact]
    public void Defaults_with_a_host_are_valid()
    {
        var options = new SmtpOptions { Host = "smtp.example.com" };

        Assert.Empty(SmtpOptionsValidator.Check(options));
        Assert.Equal(587, options.Port);
        Assert.Equal(SmtpSecurity.Auto, options.Security);
        Assert.Equal(TimeSpan.FromSeconds(30), options.Timeout);
    }

    [Theory]
    [InlineData(null, 587, "user", "pass", 30, "Email:Smtp:Host is required")]
    [InlineData("smtp://smtp.example.com", 587, null, null, 30, "Email:Smtp:Host must be a host name")]
    [InlineData("smtp.example.com:587", 587, null, null, 30, "Email:Smtp:Host must be a host name")]
    [InlineData("smtp.example.com", 0, null, null, 30, "Email:Smtp:Port must be between 1 and 65535")]
    [InlineData("smtp.example.com", 587, "user", null, 30, "Email:Smtp:UserName and Email:Smtp:Password must be set together")]
    [InlineData("smtp.example.com", 587, null, "pass", 30, "Email:Smtp:UserName and Email:Smtp:Password must be set together")]
    [InlineData("smtp.example.com", 587, null, null, 0, "Email:Smtp:Timeout must be between")]
    public void Each_mistake_is_named_by_its_setting(string? host, int port, string? user, string? password, int timeoutSeconds, string expected)
    {
        var options = new SmtpOptions { Host = host, Port = port, UserName = user, Password = password, Timeout = TimeSpan.FromSeconds(timeoutSeconds) };

        var failure = Assert.Single(SmtpOptionsValidator.Check(options));
        Assert.StartsWith(expected, failure);
    }

    [Fact]
    public void An_undefined_security_value_is_refused()
    {
        var failure = Assert.Single(SmtpOptionsValidator.Check(new SmtpOptions { Host = "smtp.example.com", Security = (SmtpSecurity)42 }));
        Assert.Equal("Email:Smtp:Security must be one of Auto, None, StartTls, SslOnConnect.", failure);
    }

    [Fact]
    public void The_sender_refuses_invalid_settings_at_construction()
    {
        var error = Assert.Throws<OptionsValidationException>(() =>
            new SmtpEmailSender(Options.Create(new SmtpOptions()), TestClock.New(), NullLogger<SmtpEmailSender>.Instance));

        Assert.Contains("Email:Smtp:Host is required", error.Message);
    }
}
