namespace Reminders.Clinics;

/// <summary>How a clinic's emails and pages look and which language they speak.</summary>
/// <param name="Locale">A culture name such as "es" or "es-MX"; emails fall back es-MX → es → en.</param>
/// <param name="PostalAddress">The footer line that anti-spam law asks of bulk mail.</param>
public sealed record ClinicBranding(string Locale, Uri? LogoUrl, string AccentColor, string? PostalAddress, string? Phone)
{
    public const string DefaultLocale = "en";
    public const string DefaultAccentColor = "#0B6BCB";

    public static readonly ClinicBranding Default = new(DefaultLocale, null, DefaultAccentColor, null, null);
}
