using System.Net.Mail;

namespace Reminders.Email;

public static class EmailAddresses
{
    /// <summary>A bare address (no display name) with a dotted domain, at most 254 characters (RFC 5321).</summary>
    public static bool IsValid(string? address)
    {
        if (string.IsNullOrWhiteSpace(address) || address.Length > 254 || address.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
            return false;
        if (!MailAddress.TryCreate(address, out var parsed) || parsed.Address != address || !string.IsNullOrEmpty(parsed.DisplayName))
            return false;
        // MimeKit builds the message later: an address it refuses (e.g. "a.@example.com") must be refused here.
        if (!MimeKit.MailboxAddress.TryParse(address, out var mailbox) || mailbox.Address != address)
            return false;
        var domain = parsed.Host;
        return domain.Contains('.') && !domain.StartsWith('.') && !domain.EndsWith('.') && !domain.Contains("..");
    }

    /// <summary>The form used to compare addresses: trimmed and lower-cased.</summary>
    public static string Normalize(string address) => address.Trim().ToLowerInvariant();
}
