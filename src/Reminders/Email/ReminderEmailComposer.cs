using System.Globalization;
using System.Net;
using Microsoft.Extensions.Options;
using Reminders.Clinics;

namespace Reminders.Email;

/// <summary>
/// Writes the rebooking invitation. The subject names no treatment or diagnosis: it is visible on lock screens
/// and shared inboxes. Every clinic or patient value is HTML-encoded in the HTML part.
/// </summary>
public sealed class ReminderEmailComposer(IOptions<EmailOptions> options)
{
    public sealed record Input(Clinic Clinic, Guid ReminderId, string Email, string? FirstName, DateOnly ReliefEndsOn, DateOnly Today, int Attempt = 1);

    public EmailMessage Compose(Input input)
    {
        var sender = options.Value.SenderAddress;
        var clinic = input.Clinic;
        var greeting = input.FirstName is null ? "Hello," : $"Hi {input.FirstName},";
        var date = input.ReliefEndsOn.ToString("dddd d MMMM yyyy", CultureInfo.InvariantCulture);
        // A catch-up email can go out after the expected end: say so in the past tense.
        var when = input.ReliefEndsOn >= input.Today
            ? $"The relief from your last treatment at {clinic.Name} is expected to wear off around {date}."
            : $"The relief from your last treatment at {clinic.Name} was expected to wear off around {date}.";
        const string Ask = "To keep the pain from coming back, now is a good time to book your next appointment.";
        var subject = $"Time to book your next appointment at {clinic.Name}";
        var link = clinic.BookingUrl.AbsoluteUri;

        var text = $"""
            {greeting}

            {when}
            {Ask}

            Book now: {link}

            {clinic.Name}
            This is an automatic reminder.
            """;

        string H(string value) => WebUtility.HtmlEncode(value);
        var html = $"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>{H(subject)}</title></head>
            <body style="margin:0;padding:0;background:#f4f5f7;font-family:Arial,Helvetica,sans-serif;color:#1f2933;">
            <table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:#f4f5f7;"><tr><td align="center" style="padding:24px;">
            <table role="presentation" width="560" cellpadding="0" cellspacing="0" style="max-width:560px;background:#ffffff;border-radius:8px;">
            <tr><td style="padding:32px 32px 8px 32px;font-size:20px;font-weight:bold;">{H(clinic.Name)}</td></tr>
            <tr><td style="padding:8px 32px;font-size:16px;line-height:24px;">
            <p style="margin:0 0 16px 0;">{H(greeting)}</p>
            <p style="margin:0 0 16px 0;">{H(when)}</p>
            <p style="margin:0 0 24px 0;">{H(Ask)}</p>
            </td></tr>
            <tr><td align="center" style="padding:8px 32px 32px 32px;">
            <a href="{H(link)}" style="display:inline-block;background:#0b6bcb;color:#ffffff;text-decoration:none;font-size:18px;font-weight:bold;padding:14px 28px;border-radius:6px;">Book your appointment</a>
            </td></tr>
            <tr><td style="padding:0 32px 32px 32px;font-size:12px;color:#6b7280;">If the button does not work, open {H(link)}<br>This is an automatic reminder from {H(clinic.Name)}.</td></tr>
            </table></td></tr></table>
            </body></html>
            """;

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
            TextBody: text,
            HtmlBody: html,
            Headers: new Dictionary<string, string>
            {
                ["Auto-Submitted"] = "auto-generated",
                ["X-Reminder-Id"] = input.ReminderId.ToString(),
            });
    }
}
