using Microsoft.Extensions.Options;

namespace Reminders.Email.Smtp;

/// <summary>Checks <see cref="SmtpOptions"/>; every message names the setting to fix. Register it only when the SMTP sender is in use.</summary>
public sealed class SmtpOptionsValidator : IValidateOptions<SmtpOptions>
{
    public static readonly TimeSpan MinTimeout = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan MaxTimeout = TimeSpan.FromMinutes(10);

    public ValidateOptionsResult Validate(string? name, SmtpOptions options)
    {
        var failures = Check(options);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    public static IReadOnlyList<string> Check(SmtpOptions options)
    {
        var failures = new List<string>();

        if (string.IsNullOrWhiteSpace(options.Host))
            failures.Add("Email:Smtp:Host is required when reminders are sent through SMTP.");
        else if (Uri.CheckHostName(options.Host) == UriHostNameType.Unknown)
            failures.Add($"Email:Smtp:Host must be a host name or IP address without scheme or port (for example smtp.example.com), not '{options.Host}'.");

        if (options.Port is < 1 or > 65535)
            failures.Add($"Email:Smtp:Port must be between 1 and 65535, not {options.Port}.");

        if (!Enum.IsDefined(options.Security))
            failures.Add($"Email:Smtp:Security must be one of {string.Join(", ", Enum.GetNames<SmtpSecurity>())}.");

        if (string.IsNullOrEmpty(options.UserName) != string.IsNullOrEmpty(options.Password))
            failures.Add("Email:Smtp:UserName and Email:Smtp:Password must be set together, or both left empty for a server that needs no login.");

        if (options.Timeout < MinTimeout || options.Timeout > MaxTimeout)
            failures.Add($"Email:Smtp:Timeout must be between {MinTimeout:c} and {MaxTimeout:c}, not {options.Timeout:c}.");

        return failures;
    }
}
