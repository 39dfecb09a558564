using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Reminders.Tests.Infrastructure;

/// <summary>
/// The consumer's side of Standard Webhooks symmetric signatures, written from the specification
/// (https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md, "Verifying webhook
/// authenticity") and independent of the service's code, so a test can check what the service sends as a consumer would:
/// <list type="bullet">
/// <item>the secret is <c>whsec_</c> + base64 of 24 to 64 random bytes;</item>
/// <item>the signed content is <c>{webhook-id}.{webhook-timestamp}.{body}</c> (UTF-8), the id and timestamp free of '.';</item>
/// <item>the signature is HMAC-SHA256 of that under the decoded key, in standard base64 with padding;</item>
/// <item><c>webhook-signature</c> is a space-delimited list of <c>{version},{signature}</c>; only <c>v1</c> entries are
/// symmetric signatures (others, such as <c>v1a</c>, are ignored) and one matching is enough (key rotation);</item>
/// <item>the comparison is constant-time; <c>webhook-timestamp</c> is integer unix seconds, within 5 minutes of now.</item>
/// </list>
/// </summary>
public static class StandardWebhooks
{
    public const string SecretPrefix = "whsec_";
    public static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);

    /// <summary>True when <paramref name="signatureHeader"/> holds a valid v1 signature of this message under <paramref name="secret"/>
    /// and the timestamp is within <see cref="Tolerance"/> of <paramref name="now"/>; otherwise false and <paramref name="why"/> says why.</summary>
    public static bool Verify(string secret, string id, string timestamp, string body, string signatureHeader, DateTimeOffset now, out string? why)
    {
        if (!TryKey(secret, out var key, out why)) return false;
        if (string.IsNullOrEmpty(id)) return Fail("webhook-id is missing", out why);
        if (id.Contains('.')) return Fail($"webhook-id '{id}' contains '.', which makes the signed content ambiguous", out why);
        if (string.IsNullOrEmpty(timestamp) || !timestamp.All(char.IsAsciiDigit) ||
            !long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
            return Fail($"webhook-timestamp '{timestamp}' is not integer unix seconds", out why);
        var skew = seconds - now.ToUnixTimeSeconds(); // seconds >= 0: no overflow
        if (Math.Abs(skew) > (long)Tolerance.TotalSeconds)
            return Fail($"webhook-timestamp {timestamp} is {Math.Abs(skew)} s {(skew < 0 ? "before" : "after")} now " +
                        $"({now.ToUnixTimeSeconds()}), beyond the {Tolerance.TotalSeconds:0} s tolerance", out why);
        if (string.IsNullOrEmpty(signatureHeader)) return Fail("webhook-signature is missing", out why);

        var expected = Encoding.ASCII.GetBytes(Signature(key, id, timestamp, body));
        var v1 = 0;
        var others = new List<string>();
        foreach (var entry in signatureHeader.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var comma = entry.IndexOf(',');
            var version = comma < 0 ? entry : entry[..comma];
            if (version != "v1")
            {
                others.Add(version);
                continue;
            }
            v1++;
            var candidate = Encoding.ASCII.GetBytes(entry[(comma + 1)..]);
            if (CryptographicOperations.FixedTimeEquals(candidate, expected))
            {
                why = null;
                return true;
            }
        }
        return Fail(v1 == 0
            ? $"webhook-signature has no v1 entry (it has: {string.Join(", ", others.DefaultIfEmpty("nothing"))})"
            : $"none of the {v1} v1 signature(s) matches the HMAC-SHA256 of '{id}.{timestamp}.<body of {Encoding.UTF8.GetByteCount(body)} bytes>'" +
              (others.Count > 0 ? $" (ignored other versions: {string.Join(", ", others)})" : ""), out why);
    }

    /// <summary><see cref="Verify(string,string,string,string,string,DateTimeOffset,out string?)"/> on a request the receiver took.</summary>
    public static bool Verify(string secret, ReceivedWebhook webhook, DateTimeOffset now, out string? why) =>
        Verify(secret, webhook.Id, webhook.Timestamp, webhook.Body, webhook.Signature, now, out why);

    /// <summary>One <c>v1,{signature}</c> header entry, for building headers in tests (e.g. a rotation header with two entries).</summary>
    public static string Sign(string secret, string id, string timestamp, string body) =>
        TryKey(secret, out var key, out var why) ? "v1," + Signature(key, id, timestamp, body) : throw new ArgumentException(why, nameof(secret));

    /// <summary>A fresh secret in the spec's serialization: <c>whsec_</c> + base64 of 32 random bytes.</summary>
    public static string NewSecret() => SecretPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    private static string Signature(byte[] key, string id, string timestamp, string body) =>
        Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{id}.{timestamp}.{body}")));

    private static bool TryKey(string secret, out byte[] key, out string? why)
    {
        key = [];
        if (secret is null || !secret.StartsWith(SecretPrefix, StringComparison.Ordinal))
            return Fail($"the secret does not start with '{SecretPrefix}'", out why);
        var encoded = secret[SecretPrefix.Length..];
        var buffer = new byte[encoded.Length];
        if (!Convert.TryFromBase64String(encoded, buffer, out var length))
            return Fail($"the secret after '{SecretPrefix}' is not standard base64", out why);
        // "Random. At least 24 bytes (192 bits, 512 maximum)": 24 to 64 bytes.
        if (length is < 24 or > 64)
            return Fail($"the secret's key is {length} bytes; the spec wants 24 to 64", out why);
        key = buffer[..length];
        why = null;
        return true;
    }

    private static bool Fail(string reason, out string? why)
    {
        why = reason;
        return false;
    }
}
