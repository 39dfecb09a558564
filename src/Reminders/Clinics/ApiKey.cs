using System.Security.Cryptography;
using System.Text;

namespace Reminders.Clinics;

/// <summary>
/// Clinic API keys: <c>rk_{id}_{secret}</c> (integration: every clinic call) or <c>rs_{id}_{secret}</c> (staff:
/// read-mostly, see <see cref="IsStaff"/>), the id 8 random base32 characters that name the key in listings and
/// logs and find its row with one point read, the secret 256 random bits. Shown once; stored only as a SHA-256 hash.
/// Keys issued before ids existed are <c>rk_{secret}</c> and are found by their hash (<see cref="IdOf"/> is null for them).
/// </summary>
public static class ApiKey
{
    public const string Scheme = "rk_", StaffScheme = "rs_";

    /// <summary>The scopes a key is issued with: what it may call.</summary>
    public const string IntegrationScope = "integration", StaffScope = "staff";
    public const int IdLength = 8;
    private const string IdAlphabet = "abcdefghijklmnopqrstuvwxyz234567";
    private const int SecretLength = 43; // 32 bytes in unpadded base64url
    private const int Length = 3 + IdLength + 1 + SecretLength;

    public static (string Id, string Key) Generate(bool staff = false)
    {
        var id = RandomNumberGenerator.GetString(IdAlphabet, IdLength);
        return (id, $"{(staff ? StaffScheme : Scheme)}{id}_{Secret()}");
    }

    /// <summary>"rk_ab12cd34": what a listing shows, and what a person can match against the key they hold.</summary>
    public static string DisplayPrefix(string id, bool staff = false) => (staff ? StaffScheme : Scheme) + id;

    /// <summary>The id of a key in the current shape, else null (a legacy key, or not a key at all).</summary>
    public static string? IdOf(string key) =>
        key.Length == Length && (key.StartsWith(Scheme, StringComparison.Ordinal) || key.StartsWith(StaffScheme, StringComparison.Ordinal)) &&
        key[3 + IdLength] == '_' && IsValidId(key.Substring(3, IdLength))
            ? key.Substring(3, IdLength)
            : null;

    /// <summary>
    /// A staff key. Its scheme is part of what is hashed, so once the key is found by its hash the scheme is proven:
    /// nobody turns a staff key into an integration key by editing it.
    /// </summary>
    public static bool IsStaff(string key) => key.StartsWith(StaffScheme, StringComparison.Ordinal);

    /// <summary>
    /// A key in the current shape, or a legacy one (<c>rk_</c> and 43 base64url characters). Anything else is no key,
    /// and is refused without a storage read.
    /// </summary>
    public static bool IsWellFormed(string key) =>
        IdOf(key) is not null
        || (key.Length == 3 + SecretLength && key.StartsWith(Scheme, StringComparison.Ordinal) && key.AsSpan(3).ContainsAnyExcept(Base64UrlCharacters) is false);

    private static readonly System.Buffers.SearchValues<char> Base64UrlCharacters =
        System.Buffers.SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");

    public static bool IsValidId(string? id) => id is { Length: IdLength } && id.All(c => IdAlphabet.Contains(c));

    /// <summary>Hex SHA-256; a plain hash is enough because the key is random, not a password.</summary>
    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    /// <summary>Compares a presented key with a stored hash in constant time.</summary>
    public static bool Matches(string key, string storedHash)
    {
        var stored = storedHash.Length == 64 ? Convert.FromHexString(storedHash) : [];
        return CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(key)), stored);
    }

    private static string Secret() =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
