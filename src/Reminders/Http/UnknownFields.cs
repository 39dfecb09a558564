using System.Text.Json;

namespace Reminders.Http;

/// <summary>
/// Names the fields of a JSON object that the body type does not have. A typo such as "relief_days" would otherwise be
/// ignored and leave the default in force; it is a 400 naming the field instead, with the field it probably meant.
/// </summary>
public static class UnknownFields
{
    public const string Message = "Unknown field.";

    /// <summary>The top-level fields of <paramref name="json"/> that <typeparamref name="T"/> does not map, each with its message.</summary>
    public static Dictionary<string, string[]> Find<T>(ReadOnlySpan<byte> json, JsonSerializerOptions options, string prefix)
    {
        var known = options.GetTypeInfo(typeof(T)).Properties.Select(p => p.Name).ToArray();
        var unknown = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var name in TopLevelNames(json))
        {
            var comparison = options.PropertyNameCaseInsensitive ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
            if (known.Any(k => string.Equals(k, name, comparison))) continue;
            var meant = known.FirstOrDefault(k => Loose(k) == Loose(name));
            unknown[prefix + name] = [meant is null ? Message : $"{Message} Did you mean {meant}?"];
        }
        return unknown;
    }

    /// <summary>The property names of the root object, as far as the JSON is readable (a malformed tail is reported elsewhere).</summary>
    private static List<string> TopLevelNames(ReadOnlySpan<byte> json)
    {
        var names = new List<string>();
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 64 });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return names;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                names.Add(reader.GetString()!);
                if (!reader.Read()) break;
                reader.Skip();
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // Broken JSON after these names: what was read so far still counts.
        }
        return names;
    }

    /// <summary>"relief_days", "Relief-Days" and "reliefDays" are the same field to a reader: for the suggestion only.</summary>
    private static string Loose(string name) => new(name.Where(char.IsLetterOrDigit).Select(char.ToLowerInvariant).ToArray());
}
