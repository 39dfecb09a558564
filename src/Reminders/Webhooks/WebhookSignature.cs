using System.Security.Cryptography;
using System.Text;

namespace Reminders.Webhooks;

/// <summary>
/// Standard Webhooks signing: a secret <c>whsec_</c> + base64 of 32 random bytes; the signature of a delivery is
/// <c>v1,</c> + base64(HMAC-SHA256(secret bytes, "{webhook-id}.{webhook-timestamp}.{body}")), several separated by
/// spaces while a rotated-out secret still signs.
/// </summary>
public static class WebhookSignature
{
    public const string SecretPrefix = "whsec_";

    public static string NewSecret() => SecretPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public static string Sign(IEnumerable<string> secrets, string id, long timestamp, string body) =>
        string.Join(' ', secrets.Select(secret => "v1," + Convert.ToBase64String(
            HMACSHA256.HashData(Convert.FromBase64String(secret[SecretPrefix.Length..]), Encoding.UTF8.GetBytes($"{id}.{timestamp}.{body}")))));
}
