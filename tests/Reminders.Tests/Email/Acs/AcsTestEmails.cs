using Reminders.Email;

namespace Reminders.Tests.Email.Acs;

/// <summary>A rendered reminder as any sender receives it, built directly so these tests do not depend on the composer's inputs.</summary>
public static class AcsTestEmails
{
    /// <summary>HTML with &lt; &gt; &amp; and non-ASCII text, so the signed body is not trivial.</summary>
    public static EmailMessage Reminder(Guid? id = null, int attempt = 1, string? toName = "Ana María")
    {
        var reminderId = id ?? Guid.NewGuid();
        return new EmailMessage(
            reminderId,
            attempt,
            MessageId: $"{reminderId}@clinic.test",
            From: "reminders@clinic.test",
            FromName: "Clínica <Espalda> & Dolor",
            To: "ana@example.com",
            ToName: toName,
            ReplyTo: "desk@c1.example.com",
            Subject: "Time to book your next appointment at Clínica <Espalda> & Dolor",
            TextBody: "Hi Ana María,\n\nBook now: https://c1.example.com/book?x=1&y=2\n",
            HtmlBody: "<!DOCTYPE html><html><body><p>Hi Ana María,</p><a href=\"https://c1.example.com/book?x=1&amp;y=2\">Book</a></body></html>",
            Headers: new Dictionary<string, string>
            {
                ["Auto-Submitted"] = "auto-generated",
                ["X-Reminder-Id"] = reminderId.ToString(),
            });
    }
}
