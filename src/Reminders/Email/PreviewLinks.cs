using System.Globalization;
using Microsoft.Extensions.Options;
using Reminders.Security;
using Reminders.Unsubscribe;

namespace Reminders.Email;

/// <summary>
/// Short-lived links that open a clinic's email preview in a browser, which cannot send a key header. The token is
/// sealed (it names the clinic and its expiry, readably to nobody, alterably by nobody) and is the link's only
/// credential, so it expires soon: a link pasted into a chat or a ticket stops working within minutes.
/// </summary>
public sealed class PreviewLinks(SealedTokens tokens, IOptions<PatientLinkOptions> links, TimeProvider time)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(15);
    private const string Purpose = "email-preview/v1";

    public sealed record Link(string Url, DateTimeOffset ExpiresAt);

    public Link Create(string clinicId, string? locale)
    {
        var expiresAt = time.GetUtcNow() + Lifetime;
        var token = tokens.Seal(Purpose, $"{clinicId}\n{expiresAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)}");
        var url = $"{links.Value.PublicBaseUrl.TrimEnd('/')}/api/email-preview?link={token}";
        if (locale is not null) url += "&locale=" + Uri.EscapeDataString(locale);
        return new Link(url, DateTimeOffset.FromUnixTimeSeconds(expiresAt.ToUnixTimeSeconds()));
    }

    /// <summary>The clinic id, or null when the token is not one of ours or has expired.</summary>
    public string? Read(string? token)
    {
        var parts = tokens.Unseal(Purpose, token)?.Split('\n');
        if (parts is not { Length: 2 } || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var expires)) return null;
        return time.GetUtcNow().ToUnixTimeSeconds() < expires ? parts[0] : null;
    }
}
