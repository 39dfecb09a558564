using System.Globalization;

namespace Reminders.Configuration;

/// <summary>
/// Emails name dates in the clinic's language and "today" depends on IANA time zones. Without ICU or tzdata .NET
/// quietly falls back to English names and UTC, so check at start-up and stop with a clear message instead.
/// </summary>
public static class GlobalizationCheck
{
    public static void EnsureAvailable()
    {
        var spanishJune = CultureInfo.GetCultureInfo("es").DateTimeFormat.GetMonthName(6);
        if (!string.Equals(spanishJune, "junio", StringComparison.OrdinalIgnoreCase))
            throw new InvalidOperationException(
                "Culture data is missing (Spanish month names come out as '" + spanishJune + "'): install ICU (Debian: libicu) and do not run with DOTNET_SYSTEM_GLOBALIZATION_INVARIANT.");
        if (!TimeZoneInfo.TryFindSystemTimeZoneById("America/New_York", out _) || !TimeZoneInfo.TryFindSystemTimeZoneById("Europe/Madrid", out _))
            throw new InvalidOperationException("Time-zone data is missing: install tzdata so IANA time zones such as Europe/Madrid resolve.");
    }
}
