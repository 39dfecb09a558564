using System.Collections.Concurrent;
using System.Text.Json;

namespace Reminders.Email;

/// <summary>The translated sentences of emails and pages. A key missing in a language comes from the next one in the fallback chain, English last.</summary>
public sealed class EmailStrings
{
    private static readonly ConcurrentDictionary<string, EmailStrings> Cache = new();
    private readonly IReadOnlyDictionary<string, string> _strings;

    private EmailStrings(string language, IReadOnlyDictionary<string, string> strings)
    {
        Language = language;
        _strings = strings;
    }

    /// <summary>The most specific shipped language in the chain: what the html lang attribute says.</summary>
    public string Language { get; }

    public static EmailStrings For(string locale) => Cache.GetOrAdd(locale, Load);

    public string this[string key] => _strings.TryGetValue(key, out var value) ? value : throw new KeyNotFoundException($"No email string '{key}'.");

    /// <summary>The sentence with {name} placeholders filled in; values are plain text (templates encode them).</summary>
    public string Format(string key, params (string Name, string Value)[] values)
    {
        var text = this[key];
        foreach (var (name, value) in values) text = text.Replace("{" + name + "}", value, StringComparison.Ordinal);
        return text;
    }

    private static EmailStrings Load(string locale)
    {
        var merged = new Dictionary<string, string>(StringComparer.Ordinal);
        string? language = null;
        foreach (var name in EmailLocales.FallbackChain(locale))
        {
            var strings = Read(name);
            if (strings is null) continue;
            language ??= name;
            foreach (var (key, value) in strings) merged.TryAdd(key, value);
        }
        return new EmailStrings(language ?? "en", merged);
    }

    private static Dictionary<string, string>? Read(string language)
    {
        using var stream = typeof(EmailStrings).Assembly.GetManifestResourceStream($"Reminders.Templates.Strings/{language}.json");
        return stream is null ? null : JsonSerializer.Deserialize<Dictionary<string, string>>(stream);
    }
}
