using Microsoft.Extensions.Options;

namespace Reminders.Unsubscribe;

/// <summary>
/// Development gets working links without setup: they point where the app listens (the <c>urls</c> setting, i.e.
/// --urls / ASPNETCORE_URLS), else at the Functions default port. Anywhere else the operator must set both settings.
/// </summary>
internal sealed class PatientLinkOptionsSetup(bool isDevelopment, string? listeningUrls) : IPostConfigureOptions<PatientLinkOptions>, IValidateOptions<PatientLinkOptions>
{
    public void PostConfigure(string? name, PatientLinkOptions options)
    {
        if (!isDevelopment) return;
        if (string.IsNullOrWhiteSpace(options.PublicBaseUrl)) options.PublicBaseUrl = ListeningOrigin() ?? PatientLinkOptions.DevelopmentBaseUrl;
        // Fixed, not random: the unsubscribe links in emails sent before a restart (the Functions host run locally
        // without keys set, say) must keep working, and continuation tokens must survive a restart too.
        if (string.IsNullOrWhiteSpace(options.LinkSigningKey)) options.LinkSigningKey = PatientLinkOptions.DevelopmentLinkSigningKey;
        // Fixed, not random: opt-outs made on a developer's machine must still match after a restart.
        if (string.IsNullOrWhiteSpace(options.AddressHashKey)) options.AddressHashKey = PatientLinkOptions.DevelopmentAddressHashKey;
    }

    /// <summary>The first listening URL as an origin; wildcard hosts become localhost, and port 0 (chosen at start) is no answer.</summary>
    private string? ListeningOrigin()
    {
        var first = listeningUrls?.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
        if (first is null) return null;
        first = first.Replace("://+", "://localhost").Replace("://*", "://localhost").Replace("://0.0.0.0", "://localhost");
        return Uri.TryCreate(first, UriKind.Absolute, out var uri) && uri.Port > 0 ? uri.GetLeftPart(UriPartial.Authority) : null;
    }

    public ValidateOptionsResult Validate(string? name, PatientLinkOptions options)
    {
        var failures = new List<string>();
        if (!Uri.TryCreate(options.PublicBaseUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http") ||
            uri.PathAndQuery != "/" || !string.IsNullOrEmpty(uri.Fragment))
            failures.Add("Reminders:PublicBaseUrl must be an absolute http(s) origin such as https://reminders.example.com (required outside Development).");
        else if (uri.Scheme == "http" && !uri.IsLoopback && !isDevelopment)
            failures.Add("Reminders:PublicBaseUrl must use https outside Development.");
        if (options.LinkSigningKey.Length < PatientLinkOptions.MinKeyLength)
            failures.Add($"Reminders:LinkSigningKey must be at least {PatientLinkOptions.MinKeyLength} characters (required outside Development).");
        else if (!isDevelopment && options.LinkSigningKey == PatientLinkOptions.DevelopmentLinkSigningKey)
            failures.Add("Reminders:LinkSigningKey is the public development value: set a secret of your own outside Development.");
        if (options.AddressHashKey.Length < PatientLinkOptions.MinKeyLength)
            failures.Add($"Reminders:AddressHashKey must be at least {PatientLinkOptions.MinKeyLength} characters (required outside Development; never rotate it).");
        else if (!isDevelopment && options.AddressHashKey == PatientLinkOptions.DevelopmentAddressHashKey)
            failures.Add("Reminders:AddressHashKey is the public development value: set a secret of your own outside Development.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
