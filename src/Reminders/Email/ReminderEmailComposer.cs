using System.Globalization;
using Microsoft.Extensions.Options;
using PreMailer.Net;
using Reminders.Clinics;
using Reminders.Unsubscribe;

namespace Reminders.Email;

/// <summary>
/// Writes the rebooking invitation from the shipped templates, in the clinic's language and branding. The subject
/// and preview text name no treatment or diagnosis: they show on lock screens and in shared inboxes.
/// </summary>
public sealed class ReminderEmailComposer(IOptions<EmailOptions> options, IOptions<PatientLinkOptions> links, EmailTemplates templates, UnsubscribeTokens tokens,
    CheckIn.CheckInTokens checkInTokens)
{
    public sealed record Input(Clinic Clinic, string PatientId, Guid ReminderId, string Email, string? FirstName, DateOnly ReliefEndsOn, DateOnly Today,
        int Attempt = 1, bool PreviousAttemptUnclear = false, bool Preview = false, int Step = 0, string? SessionId = null, string? TreatmentName = null);

    public EmailMessage Compose(Input input)
    {
        var sender = options.Value.SenderAddress;
        var clinic = input.Clinic;
        var strings = EmailStrings.For(clinic.Branding.Locale);
        // Dates follow the clinic's locale (es-MX) when the email speaks its language; a locale we have no
        // translation for gets English sentences, so its dates are English too.
        var culture = CultureInfo.GetCultureInfo(clinic.Branding.Locale);
        if (culture.TwoLetterISOLanguageName != strings.Language) culture = CultureInfo.GetCultureInfo(strings.Language);
        var date = input.ReliefEndsOn.ToString(strings["dateFormat"], culture);
        // A preview's link is a sample the unsubscribe page recognises: following it must not opt out a real address.
        var unsubscribeUrl = input.Preview ? SampleUnsubscribeUrl(clinic.Id, clinic.Branding.Locale) : UnsubscribeUrl(clinic.Id, input.PatientId, input.Email);
        // A later step of a treatment's sequence is a follow-up: "there is still time".
        var followUp = input.Step > 0 ? "FollowUp" : "";
        var subject = strings.Format("subject" + followUp, ("clinic", clinic.Name));
        // The check-in links: one opaque token per email (no id in clear); the answer is the only thing in the open.
        var checkIn = input.Preview || input.SessionId is null
            ? checkInTokens.CreateSample(clinic.Id, clinic.Branding.Locale)
            : checkInTokens.Create(clinic.Id, input.PatientId, input.SessionId, input.ReminderId);
        var checkInUrl = $"{links.Value.PublicBaseUrl.TrimEnd('/')}/api/check-in?token={checkIn}&answer=";

        var values = new Dictionary<string, string?>
        {
            ["lang"] = strings.Language,
            ["subject"] = subject,
            ["preheader"] = strings.Format("preheader" + followUp, ("clinic", clinic.Name)),
            ["clinic"] = clinic.Name,
            ["accent"] = clinic.Branding.AccentColor,
            ["logo_url"] = clinic.Branding.LogoUrl?.AbsoluteUri,
            ["greeting"] = input.FirstName is null ? strings["greetingNoName"] : strings.Format("greeting", ("firstName", input.FirstName)),
            // A catch-up email can go out after the expected end: say so in the past tense.
            // The treatment is named in the body only when the clinic allowed it for that treatment (never in subject or preview text).
            ["relief"] = strings.Format((input.ReliefEndsOn >= input.Today ? "reliefFuture" : "reliefPast") + (input.TreatmentName is null ? "" : "Named"),
                ("clinic", clinic.Name), ("date", date), ("treatment", input.TreatmentName ?? "")),
            ["ask"] = strings["ask" + followUp],
            ["button"] = strings["button"],
            ["booking_url"] = clinic.BookingUrl.AbsoluteUri,
            ["link_fallback"] = strings["linkFallback"],
            ["check_in_question"] = strings["checkInQuestion"],
            ["not_yet"] = strings["notYet"],
            ["not_yet_url"] = checkInUrl + CheckIn.CheckInAnswer.NotYet,
            ["no_longer"] = strings["noLonger"],
            ["no_longer_url"] = checkInUrl + CheckIn.CheckInAnswer.NoLonger,
            ["postal_address"] = clinic.Branding.PostalAddress,
            ["call"] = clinic.Branding.Phone is null ? null : strings.Format("call", ("phone", clinic.Branding.Phone)),
            ["why"] = strings.Format("why", ("clinic", clinic.Name)),
            ["unsubscribe"] = strings["unsubscribe"],
            ["unsubscribe_url"] = unsubscribeUrl,
        };

        // Mail clients drop <style> blocks; inline every rule into style attributes.
        var html = PreMailer.Net.PreMailer.MoveCssInline(templates.ReminderHtml(values), removeStyleElements: true, stripIdAndClassAttributes: true).Html;
        var domain = sender[(sender.IndexOf('@') + 1)..];
        return new EmailMessage(
            input.ReminderId,
            input.Attempt,
            MessageId: $"{input.ReminderId}@{domain}",
            From: sender,
            FromName: clinic.Name,
            To: input.Email,
            ToName: input.FirstName,
            ReplyTo: clinic.ReplyTo,
            Subject: subject,
            TextBody: templates.ReminderText(values),
            HtmlBody: html,
            Headers: new Dictionary<string, string>
            {
                ["Auto-Submitted"] = "auto-generated",
                ["X-Reminder-Id"] = input.ReminderId.ToString(),
                // RFC 8058 one-click unsubscribe: mail providers POST "List-Unsubscribe=One-Click" to this URL.
                ["List-Unsubscribe"] = $"<{unsubscribeUrl}>",
                ["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click",
            },
            input.PreviousAttemptUnclear);
    }

    public string UnsubscribeUrl(string clinicId, string patientId, string email) =>
        $"{links.Value.PublicBaseUrl.TrimEnd('/')}/api/unsubscribe?token={tokens.Create(clinicId, patientId, email)}";

    private string SampleUnsubscribeUrl(string clinicId, string locale) =>
        $"{links.Value.PublicBaseUrl.TrimEnd('/')}/api/unsubscribe?token={tokens.CreateSample(clinicId, locale)}";
}
