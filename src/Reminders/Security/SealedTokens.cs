using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Reminders.Unsubscribe;

namespace Reminders.Security;

/// <summary>
/// Opaque tokens that the service hands out and takes back (unsubscribe links, API continuation tokens): AES-256-GCM,
/// so their content is neither readable (no patient id in a URL) nor alterable. Each purpose has its own key,
/// derived (HKDF-SHA256) from <c>Reminders:LinkSigningKey</c>, so a token made for one purpose is refused by another.
/// </summary>
public sealed class SealedTokens(IOptions<PatientLinkOptions> options)
{
    private const int NonceBytes = 12, TagBytes = 16;

    public string Seal(string purpose, string content)
    {
        var plain = Encoding.UTF8.GetBytes(content);
        var sealedBytes = new byte[NonceBytes + plain.Length + TagBytes];
        var nonce = sealedBytes.AsSpan(0, NonceBytes);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(Key(purpose), TagBytes);
        aes.Encrypt(nonce, plain, sealedBytes.AsSpan(NonceBytes, plain.Length), sealedBytes.AsSpan(NonceBytes + plain.Length), Encoding.UTF8.GetBytes(purpose));
        return Base64Url.Encode(sealedBytes);
    }

    /// <summary>The content, or null when the token is not one this service sealed for <paramref name="purpose"/>.</summary>
    public string? Unseal(string purpose, string? token)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 2048) return null;
        var bytes = Base64Url.TryDecode(token);
        if (bytes is null || bytes.Length < NonceBytes + TagBytes) return null;
        var plainLength = bytes.Length - NonceBytes - TagBytes;
        var plain = new byte[plainLength];
        try
        {
            using var aes = new AesGcm(Key(purpose), TagBytes);
            aes.Decrypt(bytes.AsSpan(0, NonceBytes), bytes.AsSpan(NonceBytes, plainLength), bytes.AsSpan(NonceBytes + plainLength), plain, Encoding.UTF8.GetBytes(purpose));
            return Encoding.UTF8.GetString(plain);
        }
        catch (AuthenticationTagMismatchException)
        {
            return null;
        }
    }

    private byte[] Key(string purpose) =>
        HKDF.DeriveKey(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(options.Value.LinkSigningKey), 32, info: Encoding.UTF8.GetBytes("reminders/" + purpose));
}

/// <summary>URL-safe base64 without padding.</summary>
public static class Base64Url
{
    public static string Encode(ReadOnlySpan<byte> bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static byte[]? TryDecode(string text)
    {
        var s = text.Replace('-', '+').Replace('_', '/');
        s = s.PadRight(s.Length + (4 - s.Length % 4) % 4, '=');
        try
        {
            return Convert.FromBase64String(s);
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
