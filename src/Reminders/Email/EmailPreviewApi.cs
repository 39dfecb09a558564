using Microsoft.AspNetCore.Http;
using Reminders.Clinics;
using Reminders.Http;
using Reminders.Plan;
using Reminders.Unsubscribe;

namespace Reminders.Email;

public static class EmailPreviewApi
{
    /// <summary>
    /// <c>POST /api/clinics/{clinicId}/preview-link[?locale=]</c> (admin, or the clinic's own key): a link to
    /// <see cref="GetEmailPreview"/> that a browser can open, valid for <see cref="PreviewLinks.Lifetime"/>.
    /// </summary>
    public static async Task<IResult> CreatePreviewLink(HttpRequest request, string clinicId, ApiAuthentication auth, PreviewLinks links,
        CancellationToken ct)
    {
        var v = new Validation();
        v.RequireId("clinicId", clinicId);
        var locale = ReadLocale(request, v);
        if (!v.IsValid) return v.ToResult();

        var caller = await auth.AdminOrClinicAsync(request, clinicId, ct, staffMay: true);
        if (caller.Clinic is not { } clinic) return caller.Refused;

        var link = links.Create(clinic.Id, locale);
        return TypedResults.Ok(new PreviewLinkView(link.Url, link.ExpiresAt));
    }

    /// <param name="Url">Opens the preview in a browser, without a key, until <paramref name="ExpiresAt"/>.</param>
    public sealed record PreviewLinkView(string Url, DateTimeOffset ExpiresAt);

    /// <summary>
    /// <c>GET /api/email-preview[?locale=][&amp;step=]</c> with <c>X-Api-Key</c>, or <c>?link=</c> from <see cref="CreatePreviewLink"/>:
    /// the clinic's reminder email rendered with sample data, as HTML. Its unsubscribe link is a sample that opts
    /// nobody out, and so are its check-in links. <c>locale</c> previews another language than the clinic's; <c>step</c> 2 or
    /// later a treatment sequence's follow-up.
    /// </summary>
    public static async Task<IResult> GetEmailPreview(HttpRequest request, ApiAuthentication auth, ClinicDirectory clinics, PreviewLinks links,
        EmailTemplates templates, ReminderEmailComposer composer, TimeProvider time, CancellationToken ct)
    {
        var v = new Validation();
        var locale = ReadLocale(request, v);
        var step = 1;
        if (request.Query.TryGetValue("step", out var stepText) &&
            !(stepText.Count == 1 && int.TryParse(stepText[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out step) && step is >= 1 and <= ReminderSteps.Max))
            v.Add("step", $"step must be a whole number from 1 to {ReminderSteps.Max} (2 and later: the follow-up wording).");
        if (!v.IsValid) return v.ToResult();

        Clinic? clinic;
        if (request.Query.ContainsKey("link"))
        {
            // Anyone holding a link: limited per client address, like every anonymous endpoint.
            if (auth.Limits.Anonymous(request) is { } refused) return refused;
            var clinicId = request.Query["link"].Count == 1 ? links.Read(request.Query["link"][0]) : null;
            clinic = clinicId is null ? null : await clinics.FindAsync(clinicId, ct);
            if (clinic is null) return LinkDoesNotWork(request, templates);
        }
        else
        {
            var caller = await auth.ClinicAsync(request, ct, staffMay: true);
            clinic = caller.Clinic;
            if (clinic is null) return caller.Refused;
        }
        if (locale is not null) clinic = clinic with { Branding = clinic.Branding with { Locale = locale } };

        var today = clinic.Today(time);
        var email = composer.Compose(new ReminderEmailComposer.Input(
            clinic, PatientId: "preview", ReminderIdentity.For(clinic.Id, "preview", "preview", today),
            Email: "patient@example.com", FirstName: "Alex",
            // A follow-up goes out after relief ended (a week, by default): its sentence is in the past tense.
            ReliefEndsOn: step == 1 ? today.AddDays(clinic.RemindDaysBefore) : today.AddDays(-7), Today: today, Preview: true, Step: step - 1));
        NoLeaks(request.HttpContext.Response);
        return TypedResults.Content(email.HtmlBody, "text/html; charset=utf-8");
    }

    /// <summary>
    /// The URL carries a credential: never cached, never sent on as a Referer (the preview loads the clinic's logo
    /// from another site), never indexed.
    /// </summary>
    private static void NoLeaks(HttpResponse response)
    {
        response.Headers.CacheControl = "no-store";
        response.Headers["Referrer-Policy"] = "no-referrer";
        response.Headers["X-Robots-Tag"] = "noindex";
    }

    /// <summary>An expired, altered or foreign link: 401, as a page for a browser and as problem details for a program.</summary>
    private static IResult LinkDoesNotWork(HttpRequest request, EmailTemplates templates)
    {
        NoLeaks(request.HttpContext.Response);
        return ContentNegotiation.PrefersHtml(request)
            ? TypedResults.Content(UnsubscribePages.NeutralPage(templates, ContentNegotiation.PageLanguage(request), "previewLinkTitle", "previewLinkText"),
                "text/html; charset=utf-8", statusCode: StatusCodes.Status401Unauthorized)
            : Problems.Unauthorized($"The preview link has expired or was altered: preview links work for {PreviewLinks.Lifetime.TotalMinutes:0} minutes. Ask for a new one with POST /api/clinics/{{clinicId}}/preview-link.");
    }

    private static string? ReadLocale(HttpRequest request, Validation v)
    {
        var text = request.Query["locale"];
        if (text.Count == 0) return null;
        if (text.Count == 1 && EmailLocales.TryNormalize(text[0]!, out var locale)) return locale;
        v.Add("locale", $"'{text}' is not a known locale (for example en, es or es-MX).");
        return null;
    }
}
