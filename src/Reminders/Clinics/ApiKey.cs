using System.Security.Cryptography;
using System.Text;

namespace Reminders.Clinics;

/// <summary>Clinic API keys: 256 random bits, shown once, stored only as a SHA-256 hash.</summary>
public static class ApiKey
{
    public static string Generate() =>
        "rk_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>Hex SHA-256; a plain hash is enough because the key is random, not a password.</summary>
    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
}
