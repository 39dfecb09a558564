using Reminders.Clinics;
using Reminders.Email;

namespace Reminders.Unsubscribe;

/// <summary>The clinic-branded pages a patient sees when following the unsubscribe link.</summary>
public sealed class UnsubscribePages(UnsubscribeTokens tokens, OptOuts optOuts, ClinicDirectory clinics, EmailTemplates templates)
{
    public enum Action { Show, Unsubscribe, Resubscribe }

    /// <summary>Null when the token is forged, altered or names a clinic that no longer exists: nothing is changed then.</summary>
    public async Task<string?> HandleAsync(string? token, Action action, CancellationToken ct)
    {
        var claims = tokens.Read(token);
        if (claims is null) return null;
        var clinic = await clinics.FindAsync(claims.ClinicId, ct);
        if (clinic is null) return null;

        if (action != Action.Show)
            await optOuts.SetAsync(claims, optedOut: action == Action.Unsubscribe, ct);
        var optedOut = action switch
        {
            Action.Unsubscribe => true,
            Action.Resubscribe => false,
            _ => await optOuts.IsOptedOutAsync(claims, ct),
        };

        var strings = EmailStrings.For(clinic.Branding.Locale);
        var name = ("clinic", clinic.Name);
        return action == Action.Resubscribe
            ? Render(clinic, strings, token!, "resubscribedTitle", "resubscribedText", "none", null, null)
            : optedOut
                ? Render(clinic, strings, token!, "unsubscribedTitle", "unsubscribedText", "resubscribe", "resubscribeButton", strings["resubscribeQuestion"])
                : Render(clinic, strings, token!, "unsubscribeTitle", "unsubscribeExplain", "unsubscribe", "unsubscribeButton", null);

        string Render(Clinic c, EmailStrings s, string t, string title, string text, string formAction, string? button, string? question) =>
            templates.UnsubscribePage(new Dictionary<string, string?>
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
            });
    }

    /// <summary>The page for a bad link, in English: without a valid token there is no clinic to take a language from.</summary>
    public string InvalidLink() => templates.UnsubscribePage(new Dictionary<string, string?>
    {
        ["lang"] = "en",
        ["clinic"] = "",
        ["accent"] = ClinicBranding.DefaultAccentColor,
        ["title"] = EmailStrings.For("en")["invalidLinkTitle"],
        ["text"] = EmailStrings.For("en")["invalidLinkText"],
        ["action"] = "none",
    });
}
