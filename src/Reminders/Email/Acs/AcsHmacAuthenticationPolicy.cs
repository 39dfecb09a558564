using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Azure.Core;
using Azure.Core.Pipeline;

namespace Reminders.Email.Acs;

/// <summary>
/// Signs each try of a request with the ACS access key (HMAC-SHA256). Added per retry, so every try gets a fresh
/// <c>x-ms-date</c>. Signed: the verb, the path and query actually sent, <c>x-ms-date</c>, the host (with a
/// non-default port) and the SHA-256 of the exact body bytes.
/// </summary>
public sealed class AcsHmacAuthenticationPolicy(byte[] accessKey, TimeProvider time) : HttpPipelineSynchronousPolicy
{
    public const string SignedHeaders = "x-ms-date;host;x-ms-content-sha256";

    private readonly byte[] _key = (byte[])accessKey.Clone();

    public override void OnSendingRequest(HttpMessage message)
    {
        var request = message.Request;
        var contentHash = ContentHash(BodyBytes(request.Content, message.CancellationToken));
        var date = time.GetUtcNow().ToString("r", CultureInfo.InvariantCulture);
        var stringToSign = StringToSign(request.Method.Method, request.Uri.ToUri(), date, contentHash);

        request.Headers.SetValue("x-ms-date", date);
        request.Headers.SetValue("x-ms-content-sha256", contentHash);
        request.Headers.SetValue(HttpHeader.Names.Authorization, Authorization(Signature(_key, stringToSign)));
    }

    /// <summary>Base64 SHA-256 of the body; an empty body gives <c>47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=</c>.</summary>
    public static string ContentHash(ReadOnlySpan<byte> body) => Convert.ToBase64String(SHA256.HashData(body));

    /// <summary><c>VERB\npathAndQuery\ndate;host;contentHash</c>, LF only, no trailing newline. The host is <see cref="Uri.Authority"/>: a default port is left out.</summary>
    public static string StringToSign(string method, Uri uri, string date, string contentHash) =>
        $"{method.ToUpperInvariant()}\n{uri.PathAndQuery}\n{date};{uri.Authority};{contentHash}";

    /// <summary>Base64 HMAC-SHA256 of the UTF-8 string to sign (the string is ASCII: escaped path, date, host, base64).</summary>
    public static string Signature(byte[] key, string stringToSign) =>
        Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(stringToSign)));

    public static string Authorization(string signature) => $"HMAC-SHA256 SignedHeaders={SignedHeaders}&Signature={signature}";

    /// <summary>The bytes the transport will send: the content written out, exactly as it goes on the wire.</summary>
    private static byte[] BodyBytes(RequestContent? content, CancellationToken ct)
    {
        if (content is null) return [];
        using var buffer = new MemoryStream();
        content.WriteTo(buffer, ct);
        return buffer.ToArray();
    }
}
