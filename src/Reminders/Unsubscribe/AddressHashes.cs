using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Reminders.Email;

namespace Reminders.Unsubscribe;

/// <summary>
/// The key an opt-out is stored under: a clinic-scoped HMAC of the normalised address, keyed with
/// <c>Reminders:AddressHashKey</c>, so the OptOuts table does not let anyone confirm a guessed address.
/// </summary>
public sealed class AddressHashes(IOptions<PatientLinkOptions> options)
{
    public const string KeyedPrefix = "v2-";

    public string Keyed(string clinicId, string email) =>
        KeyedPrefix + Convert.ToHexStringLower(HMACSHA256.HashData(
            Encoding.UTF8.GetBytes(options.Value.AddressHashKey), Encoding.UTF8.GetBytes($"optout/v2\n{clinicId}\n{EmailAddresses.Normalize(email)}")));

    /// <summary>The unkeyed SHA-256 rows and links used before keyed hashes; read (and re-keyed) for compatibility only.</summary>
    public static string Legacy(string clinicId, string email) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{clinicId}\n{EmailAddresses.Normalize(email)}")));

    public static bool IsKeyed(string hash) => hash.StartsWith(KeyedPrefix, StringComparison.Ordinal);
}
