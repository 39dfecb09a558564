using System.Globalization;

namespace Reminders.Email;

/// <summary>Which languages the emails speak, and how a clinic's locale falls back (es-MX → es → en).</summary>
public static class EmailLocales
{
    public static readonly IReadOnlyList<string> Shipped = ["en", "es"];

    public static bool TryNormalize(string name, out string normalized)
    {
        normalized = ClinicDefault;
        if (string.IsNullOrWhiteSpace(name) || name.Length > 35) return false;
        try
        {
            var culture = CultureInfo.GetCultureInfo(name, predefinedOnly: true);
            if (culture.Equals(CultureInfo.InvariantCulture)) return false;
            normalized = culture.Name;
            return true;
        }
        catch (CultureNotFoundException)
        {
            return false;
        }
    }

    /// <summary>"es-MX" → ["es-MX", "es", "en"]; "en" → ["en"].</summary>
    public static IReadOnlyList<string> FallbackChain(string locale)
    {
        var chain = new List<string>();
        for (var culture = CultureInfo.GetCultureInfo(locale); !culture.Equals(CultureInfo.InvariantCulture); culture = culture.Parent)
            chain.Add(culture.Name);
        if (!chain.Contains(ClinicDefault)) chain.Add(ClinicDefault);
        return chain;
    }

    private const string ClinicDefault = "en";
}
