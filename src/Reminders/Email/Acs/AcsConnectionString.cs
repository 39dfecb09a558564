namespace Reminders.Email.Acs;

/// <summary>
/// An ACS connection string, <c>endpoint=…;accesskey=…</c>, parsed as Azure.Core does: segments split on <c>;</c>,
/// each on its first <c>=</c> (base64 padding stays in the value), keys case-insensitive, whitespace trimmed.
/// Error messages never contain the key.
/// </summary>
public sealed record AcsConnectionString(Uri Endpoint, byte[] AccessKey)
{
    public static bool TryParse(string? value, out AcsConnectionString? result, out string? error)
    {
        result = null;
        if (string.IsNullOrWhiteSpace(value))
        {
            error = "is empty.";
            return false;
        }

        var parts = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var segments = value.Trim().TrimEnd(';').Split(';');
        foreach (var segment in segments)
        {
            var equals = segment.IndexOf('=');
            var key = equals < 0 ? segment.Trim() : segment[..equals].Trim();
            var part = equals < 0 ? "" : segment[(equals + 1)..].Trim();
            if (key.Length == 0 || part.Length == 0)
            {
                error = "must look like 'endpoint=https://<resource>.communication.azure.com/;accesskey=<base64 key>' (a segment is empty).";
                return false;
            }
            if (!parts.TryAdd(key, part))
            {
                error = $"names '{key}' twice.";
                return false;
            }
        }

        if (!parts.TryGetValue("endpoint", out var endpointText) || !parts.TryGetValue("accesskey", out var keyText))
        {
            error = "must contain both 'endpoint=' and 'accesskey='.";
            return false;
        }
        if (!AcsEndpoint.TryParse(endpointText, out var endpoint, out error))
        {
            error = "endpoint " + error;
            return false;
        }
        var buffer = new byte[keyText.Length];
        if (!Convert.TryFromBase64String(keyText, buffer, out var length) || length == 0)
        {
            error = "accesskey must be base64 (the key from the resource's Keys blade).";
            return false;
        }
        result = new AcsConnectionString(endpoint!, buffer[..length]);
        error = null;
        return true;
    }
}
