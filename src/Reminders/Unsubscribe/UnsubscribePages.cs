using Reminders.Clinics;
using Reminders.Email;

namespace Reminders.Unsubscribe;

/// <summary>The clinic-branded pages a patient sees when following the unsubscribe link.</summary>
public sealed class UnsubscribePages(UnsubscribeTokens tokens, OptOuts optOuts, ClinicDirectory clinics, EmailTemplates templates, Webhooks.OptOutEvents events)
{
    public enum Action { Show, Unsubscribe, Resubscribe }

    /// <summary>Null when the token is forged, altered or names a clinic that no longer exists: nothing is changed then.</summary>
    public async Task<string?> HandleAsync(string? token, Action action, CancellationToken ct)
    {
        var claims = tokens.Read(token);
        if (claims is null) return null;
        var clinic = await clinics.FindAsync(claims.ClinicId, ct);
        if (clinic is null) return null;

        // A preview's sample link walks through the same pages and stores nothing: there is no patient behind it.
        if (action != Action.Show && !claims.Sample)
        {
            var choice = action == Action.Unsubscribe;
            // Only a change is an event: a second click, or a mail client's one-click POST after the patient's, is not.
            if (await optOuts.SetAsync(claims, optedOut: choice, ct) && await events.WantedAsync(claims.ClinicId, ct))
                await events.TellAsync(claims.ClinicId, claims.PatientId, choice, ct);
        }
        var optedOut = action switch
        {
            Action.Unsubscribe => true,
            Action.Resubscribe => false,
            _ => !claims.Sample && await optOuts.IsOptedOutAsync(claims, ct),
        };

        var strings = EmailStrings.For(claims.Locale ?? clinic.Branding.Locale);
        var notice = claims.Sample ? strings["previewNotice"] : null;
        var name = ("clinic", clinic.Name);
        return action == Action.Resubscribe
            ? Render(clinic, strings, token!, "resubscribedTitle", "resubscribedText", "none", null, null)
            : optedOut
                ? Render(clinic, strings, token!, "unsubscribedTitle", "unsubscribedText", "resubscribe", "resubscribeButton", strings["resubscribeQuestion"])
                : Render(clinic, strings, token!, "unsubscribeTitle", "unsubscribeExplain", "unsubscribe", "unsubscribeButton", null);

        string Render(Clinic c, EmailStrings s, string t, string title, string text, string formAction, string? button, string? question) =>
            templates.PatientPage(new Dictionary<string, string?>
            {
                ["lang"] = s.Language,
                ["clinic"] = c.Name,
                ["accent"] = c.Branding.AccentColor,
                ["logo_url"] = c.Branding.LogoUrl?.AbsoluteUri,
                ["title"] = s.Format(title, name),
                ["text"] = s.Format(text, name),
                ["action"] = formAction,
                ["button"] = button is null ? null : s[button],
                ["question"] = question,
                ["action_url"] = "?token=" + t,
                ["notice"] = notice,
            });
    }

    /// <summary>
    /// The page for a bad link. Clinic-neutral: an unverifiable token names no clinic we may show. In the browser's
    /// language when it is one we ship (<paramref name="language"/>), as there is no clinic to take one from.
    /// </summary>
    public string InvalidLink(string language = "en") => NeutralPage(templates, language, "invalidLinkTitle", "invalidLinkText");

    /// <summary>A page with the service's default look and no clinic on it.</summary>
    public static string NeutralPage(EmailTemplates templates, string language, string titleKey, string textKey)
    {
        var strings = EmailStrings.For(language);
        return templates.PatientPage(new Dictionary<string, string?>
        {
            ["lang"] = strings.Language,
            ["clinic"] = "",
            ["accent"] = ClinicBranding.DefaultAccentColor,
            ["title"] = strings[titleKey],
            ["text"] = strings[textKey],
            ["action"] = "none",
        });
    }
}
