using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Reminders.Http;

/// <summary>
/// Reads a JSON request body with the API's own limits, so both hosts behave the same: the Functions host may
/// accept bodies Kestrel would refuse, and a malformed body must be a 400 naming the field, never a 500.
/// </summary>
public static class JsonBody
{
    public const int MaxBytes = 64 * 1024;

    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        // Web defaults read "90" as a number; a wrong type should be a 400 instead.
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.Strict,
        AllowDuplicateProperties = false,
        // A misspelt field ("relief_days") must not be ignored and leave its default in force (90 days): it is a 400
        // naming the field. Clients that send extra fields on purpose should not: the API has no open-ended bodies.
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
    };

    public readonly record struct Result<T>(T? Value, IResult? Error) where T : class;

    public static async Task<Result<T>> ReadAsync<T>(HttpRequest request, CancellationToken ct) where T : class
    {
        var raw = await ReadBytesAsync(request, MaxBytes, ct);
        if (raw.Error is not null) return new(null, raw.Error);
        return Deserialize<T>(raw.Value!.AsSpan(), "");
    }

    /// <summary>Reads a body of at most <paramref name="maxBytes"/> bytes with the same checks (type, size, framing), without deserializing it.</summary>
    public static async Task<Result<byte[]>> ReadBytesAsync(HttpRequest request, int maxBytes, CancellationToken ct)
    {
        if (!IsJson(request.ContentType))
            return new(null, Problems.UnsupportedMediaType());
        if (request.ContentLength > maxBytes)
            return new(null, Problems.TooLarge(maxBytes));

        // Read at most one byte past the limit: a chunked body has no Content-Length to check up front.
        var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        try
        {
            while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
            {
                buffer.Write(chunk, 0, read);
                if (buffer.Length > maxBytes)
                    return new(null, Problems.TooLarge(maxBytes));
            }
        }
        catch (Exception e) when (e is BadHttpRequestException or IOException)
        {
            // The server failed the read itself (broken chunked framing, its own size cap, which it counts as the body
            // arrives rather than as we read it, or a client gone mid-body): a 4xx naming the body, not a 500.
            return new(null, e is BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge }
                ? Problems.TooLarge(maxBytes)
                : Problems.Invalid("body", "The request body could not be read: broken framing or an incomplete body."));
        }

        if (buffer.Length == 0)
            return new(null, Problems.Invalid("body", "A JSON object is required."));
        return new(buffer.ToArray(), null);
    }

    /// <summary>Deserializes one JSON value; a field in an error is named with <paramref name="prefix"/> (e.g. "sessions[3].").</summary>
    public static Result<T> Deserialize<T>(ReadOnlySpan<byte> json, string prefix) where T : class
    {
        try
        {
            var value = JsonSerializer.Deserialize<T>(json, Options);
            return value is null
                ? new(null, Problems.Invalid(prefix.Length == 0 ? "body" : prefix.TrimEnd('.'), "A JSON object is required."))
                : new(value, null);
        }
        catch (JsonException e)
        {
            var unknown = UnknownFields.Find<T>(json, Options, prefix);
            if (unknown.Count > 0) return new(null, Problems.Invalid(unknown));
            var field = FieldOf(e.Path);
            return new(null, Problems.Invalid(prefix.Length == 0 ? field : field == "body" ? prefix.TrimEnd('.') : prefix + field,
                "Malformed JSON or a value of the wrong type."));
        }
    }

    private static bool IsJson(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var media) &&
        (media.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase) ||
         (media.SubTypeWithoutSuffix.HasValue && media.Suffix.Equals("json", StringComparison.OrdinalIgnoreCase) &&
          media.Type.Equals("application", StringComparison.OrdinalIgnoreCase)));

    /// <summary>"$.reliefDays" → "reliefDays"; the root or an unknown path → "body".</summary>
    private static string FieldOf(string? path)
    {
        if (string.IsNullOrEmpty(path) || path == "$") return "body";
        var field = path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
        return string.IsNullOrEmpty(field) ? "body" : field;
    }
}
