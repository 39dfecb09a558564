using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Reminders.Security;

namespace Reminders.Unsubscribe;

/// <summary>
/// The token in an unsubscribe link: sealed (AES-GCM), so it carries clinic, patient and the keyed hash of the
/// address the email went to without showing any of them, and cannot be altered. Verifiable without a login.
/// Links from before sealed tokens (readable, HMAC-signed) are still honoured.
/// </summary>
public sealed class UnsubscribeTokens(SealedTokens sealedTokens, AddressHashes hashes, IOptions<PatientLinkOptions> options)
{
    private const string Purpose = "unsubscribe/v2";

    /// <summary>The link in an email preview: its own purpose, so no sample token can ever read as a patient's.</summary>
    private const string SamplePurpose = "unsubscribe/sample";

    /// <param name="Legacy">From an old readable link: <see cref="AddressHash"/> is the unkeyed hash.</param>
    /// <param name="Sample">From an email preview: names a clinic and no patient; following it changes nothing.</param>
    /// <param name="Locale">A sample's page language (the preview's), or null for the clinic's.</param>
    public sealed record Claims(string ClinicId, string PatientId, string AddressHash, bool Legacy = false, bool Sample = false, string? Locale = null);

    public string Create(string clinicId, string patientId, string email) =>
        sealedTokens.Seal(Purpose, $"{clinicId}\n{patientId}\n{hashes.Keyed(clinicId, email)}");

    /// <summary>A working link for an email preview that opts nobody out: the unsubscribe page says it is a preview.</summary>
    public string CreateSample(string clinicId, string locale) => sealedTokens.Seal(SamplePurpose, $"{clinicId}\n{locale}");

    public Claims? Read(string? token)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 512) return null;
        var content = sealedTokens.Unseal(Purpose, token);
        if (content is not null)
        {
            var parts = content.Split('\n');
            return parts.Length == 3 ? new Claims(parts[0], parts[1], parts[2]) : null;
        }
        var sample = sealedTokens.Unseal(SamplePurpose, token)?.Split('\n');
        if (sample is { Length: 2 }) return new Claims(sample[0], "", "", Sample: true, Locale: sample[1]);
        return ReadLegacy(token);
    }

    /// <summary>"base64url(clinic\npatient\nsha256).base64url(hmac)", as emails sent before sealed tokens carry.</summary>
    private Claims? ReadLegacy(string token)
    {
        var dot = token.IndexOf('.');
        if (dot <= 0) return null;
        var payloadBytes = Base64Url.TryDecode(token[..dot]);
        var signature = Base64Url.TryDecode(token[(dot + 1)..]);
        if (payloadBytes is null || signature is null) return null;
        var payload = Encoding.UTF8.GetString(payloadBytes);
        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(options.Value.LinkSigningKey), Encoding.UTF8.GetBytes("unsubscribe/v1\n" + payload));
        if (!CryptographicOperations.FixedTimeEquals(signature, expected)) return null;
        var parts = payload.Split('\n');
        return parts.Length == 3 ? new Claims(parts[0], parts[1], parts[2], Legacy: true) : null;
    }
}
