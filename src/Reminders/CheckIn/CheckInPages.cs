using System.Globalization;
using Reminders.Clinics;
using Reminders.Email;

namespace Reminders.CheckIn;

/// <summary>The clinic-branded pages behind a reminder email's check-in links: a confirm page (changes nothing), then the result.</summary>
public sealed class CheckInPages(CheckInTokens tokens, PatientCheckIns checkIns, ClinicDirectory clinics, EmailTemplates templates, TimeProvider time)
{
    /// <summary>
    /// Null when the token is forged, altered or names a clinic that no longer exists: nothing is changed then.
    /// <paramref name="act"/> false shows the confirm page; true records the answer (<paramref name="weeks"/> for "not yet").
    /// </summary>
    public async Task<string?> HandleAsync(string? token, string answer, bool act, int? weeks, CancellationToken ct)
    {
        var claims = tokens.Read(token);
        if (claims is null) return null;
        var clinic = await clinics.FindAsync(claims.ClinicId, ct);
        if (clinic is null) return null;
        var strings = EmailStrings.For(claims.Locale ?? clinic.Branding.Locale);
        var notice = claims.Sample ? strings["previewNotice"] : null;
        var actionUrl = $"?token={token}&answer={answer}";

        if (!act)
            return answer == CheckInAnswer.NotYet
                ? Render(clinic, strings, "notYetTitle", "notYetText", "notYet", "notYetButton", actionUrl, notice)
                : Render(clinic, strings, "noLongerTitle", "noLongerText", "noLonger", "noLongerButton", actionUrl, notice);

        // A preview's sample link walks through the same pages and stores nothing: there is no patient behind it.
        var result = claims.Sample
            ? new PatientCheckIns.Result(PatientCheckIns.Outcome.Recorded, clinic.Today(time).AddDays(7 * (weeks ?? 2)))
            : await checkIns.AnswerAsync(clinic, claims, answer, answer == CheckInAnswer.NotYet ? weeks : null, ct);
        if (result.Outcome == PatientCheckIns.Outcome.NoSession)
            return Render(clinic, strings, "checkInGoneTitle", "checkInGoneText", "none", null, null, notice);
        if (answer == CheckInAnswer.NoLonger)
            return Render(clinic, strings, "noLongerDoneTitle", "noLongerDoneText", "none", null, null, notice);
        // Cancelled, or (a repeated tap) already sent: nothing is planned, and the page does not promise otherwise.
        if (result.NextReminder is not { } next)
            return Render(clinic, strings, "notYetNoneTitle", "notYetNoneText", "none", null, null, notice);
        var date = next.ToString(strings["dateFormat"], CultureInfo.GetCultureInfo(strings.Language));
        return Render(clinic, strings, "notYetDoneTitle", "notYetDoneText", "none", null, null, notice, ("date", date));
    }

    private string Render(Clinic clinic, EmailStrings strings, string title, string text, string action, string? button, string? actionUrl, string? notice,
        params (string, string)[] more)
    {
        var values = new Dictionary<string, string?>
        {
            ["lang"] = strings.Language,
            ["clinic"] = clinic.Name,
            ["accent"] = clinic.Branding.AccentColor,
            ["logo_url"] = clinic.Branding.LogoUrl?.AbsoluteUri,
            ["title"] = strings.Format(title, ("clinic", clinic.Name)),
            ["text"] = strings.Format(text, [("clinic", clinic.Name), .. more]),
            ["action"] = action,
            ["button"] = button is null ? null : strings[button],
            ["action_url"] = actionUrl,
            ["notice"] = notice,
            ["weeks_label"] = strings["weeksLabel"],
            ["weeks1"] = strings["weeks1"],
            ["weeks2"] = strings["weeks2"],
            ["weeks4"] = strings["weeks4"],
        };
        return templates.PatientPage(values);
    }
}
