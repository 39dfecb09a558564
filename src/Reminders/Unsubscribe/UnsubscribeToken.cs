using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Reminders.Email;

namespace Reminders.Unsubscribe;

/// <summary>
/// A signed, unguessable token tied to clinic + patient + the address the email went to. It carries no address,
/// only a hash of it, so a forwarded or logged link reveals nothing; opt-out is stored against that hash.
/// </summary>
public sealed class UnsubscribeTokens(IOptions<PatientLinkOptions> options)
{
    public sealed record Claims(string ClinicId, string PatientId, string AddressHash);

    public string Create(string clinicId, string patientId, string email)
    {
        var payload = $"{clinicId}\n{patientId}\n{AddressHash(clinicId, email)}";
        return Base64Url(Encoding.UTF8.GetBytes(payload)) + "." + Base64Url(Sign(payload));
    }

    public Claims? Read(string? token)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 512) return null;
        var dot = token.IndexOf('.');
        if (dot <= 0) return null;
        try
        {
            var payload = Encoding.UTF8.GetString(FromBase64Url(token[..dot]));
            var signature = FromBase64Url(token[(dot + 1)..]);
            if (!CryptographicOperations.FixedTimeEquals(signature, Sign(payload))) return null;
            var parts = payload.Split('\n');
            return parts.Length == 3 ? new Claims(parts[0], parts[1], parts[2]) : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>The key opt-outs are stored under: clinic-scoped SHA-256 of the normalised address.</summary>
    public static string AddressHash(string clinicId, string email) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{clinicId}\n{EmailAddresses.Normalize(email)}")));

    private byte[] Sign(string payload) =>
        HMACSHA256.HashData(Encoding.UTF8.GetBytes(options.Value.LinkSigningKey), Encoding.UTF8.GetBytes("unsubscribe/v1\n" + payload));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[] FromBase64Url(string text)
    {
        var s = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(s.PadRight(s.Length + (4 - s.Length % 4) % 4, '='));
    }
}
