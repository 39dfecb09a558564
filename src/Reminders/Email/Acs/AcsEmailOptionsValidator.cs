using Microsoft.Extensions.Options;
using Reminders.Identity;

namespace Reminders.Email.Acs;

/// <summary>Checks <see cref="AcsEmailOptions"/>; every message names the setting. Register with <c>ValidateOnStart</c> to stop start-up on a bad value.</summary>
public sealed class AcsEmailOptionsValidator : IValidateOptions<AcsEmailOptions>
{
    private const string Prefix = AcsEmailOptions.Section + ":";

    public ValidateOptionsResult Validate(string? name, AcsEmailOptions options)
    {
        var errors = Errors(options).ToList();
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    public static IEnumerable<string> Errors(AcsEmailOptions o)
    {
        var hasConnectionString = !string.IsNullOrWhiteSpace(o.ConnectionString);
        var hasEndpoint = !string.IsNullOrWhiteSpace(o.Endpoint);
        if (hasConnectionString == hasEndpoint)
            yield return $"Set exactly one of {Prefix}ConnectionString (access key) or {Prefix}Endpoint (Microsoft Entra ID).";
        else if (hasConnectionString && !AcsConnectionString.TryParse(o.ConnectionString, out _, out var error))
            yield return $"{Prefix}ConnectionString {error}";
        else if (hasEndpoint && !AcsEndpoint.TryParse(o.Endpoint, out _, out var error2))
            yield return $"{Prefix}Endpoint {error2}";
        if (hasConnectionString && (!string.IsNullOrWhiteSpace(o.Credential) || !string.IsNullOrWhiteSpace(o.ClientId)))
            yield return $"{Prefix}Credential and {Prefix}ClientId apply to {Prefix}Endpoint (Microsoft Entra ID) only; a connection string signs with its access key.";
        if (!string.IsNullOrWhiteSpace(o.Credential) && !string.Equals(o.Credential.Trim(), ConnectionCredential.ManagedIdentity, StringComparison.OrdinalIgnoreCase))
            yield return $"{Prefix}Credential must be '{ConnectionCredential.ManagedIdentity}' or empty.";
        if (!string.IsNullOrWhiteSpace(o.ClientId) && !Guid.TryParse(o.ClientId, out _))
            yield return $"{Prefix}ClientId must be the client id (a GUID) of a managed identity.";

        if (o.MaxPerMinute < 1) yield return $"{Prefix}MaxPerMinute must be at least 1.";
        if (o.MaxPerHour < o.MaxPerMinute) yield return $"{Prefix}MaxPerHour must be at least {Prefix}MaxPerMinute.";
        if (o.MaxStatusChecksPerMinute < 1) yield return $"{Prefix}MaxStatusChecksPerMinute must be at least 1.";
        if (o.MaxStatusChecksPerHour < o.MaxStatusChecksPerMinute)
            yield return $"{Prefix}MaxStatusChecksPerHour must be at least {Prefix}MaxStatusChecksPerMinute.";
        if (o.MaxRetries is < 0 or > 10) yield return $"{Prefix}MaxRetries must be between 0 and 10.";
        if (o.RetryDelay < TimeSpan.Zero || o.RetryDelay > TimeSpan.FromMinutes(1)) yield return $"{Prefix}RetryDelay must be between 0 and 1 minute.";
        if (o.MaxRetryDelay < o.RetryDelay || o.MaxRetryDelay > TimeSpan.FromMinutes(5))
            yield return $"{Prefix}MaxRetryDelay must be at least {Prefix}RetryDelay and at most 5 minutes.";
        if (o.RequestTimeout <= TimeSpan.Zero || o.RequestTimeout > TimeSpan.FromMinutes(5))
            yield return $"{Prefix}RequestTimeout must be above 0 and at most 5 minutes.";
    }
}
