using Microsoft.Extensions.Options;
using MimeKit;
using Reminders.Clinics;
using Reminders.Email;
using Reminders.Plan;
using Reminders.Unsubscribe;
using Reminders.Tests.Infrastructure;

namespace Reminders.Tests.Email;

public sealed class ReminderEmailTests
{
    private static readonly Clinic Clinic = new("c1", "Spine & Pain <Centre>", TimeZoneInfo.FindSystemTimeZoneById("Europe/Madrid"),
        new Uri("https://book.example.com/?clinic=c1&src=email"), "desk@c1.example.com", 90, 14, SendWindow.Default, false);

    private static readonly IOptions<PatientLinkOptions> Links = Options.Create(new PatientLinkOptions { PublicBaseUrl = "https://r.example.com", LinkSigningKey = new string('k', 32), AddressHashKey = new string('h', 32) });

    private static readonly Guid ReminderId = ReminderIdentity.For("c1", "p1", "s1", new DateOnly(2026, 6, 1));

    private static EmailMessage Compose(string? firstName = "Ana", DateOnly? reliefEndsOn = null, DateOnly? today = null, string locale = "en") =>
        new ReminderEmailComposer(Options.Create(new EmailOptions { SenderAddress = "reminders@clinic.test" }), Links, new EmailTemplates(), new UnsubscribeTokens(new Reminders.Security.SealedTokens(Links), new AddressHashes(Links), Links),
                new Reminders.CheckIn.CheckInTokens(new Reminders.Security.SealedTokens(Links)))
            .Compose(new(Clinic with { Branding = ClinicBranding.Default with { Locale = locale } }, "p1", ReminderId, "ana@example.com", firstName, reliefEndsOn ?? new DateOnly(2026, 6, 15), today ?? new DateOnly(2026, 6, 1),
                SessionId: "s1"));

    [Fact]
    public void Values_from_clinics_and_patients_are_html_encoded()
    {
        var email = Compose(firstName: "<script>alert(1)</script>");

        Assert.DoesNotContain("<script>", email.HtmlBody);
        Assert.Contains("&lt;script&gt;", email.HtmlBody);
        Assert.Contains("Spine &amp; Pain &lt;Centre&gt;", email.HtmlBody);
        Assert.Contains("href=\"https://book.example.com/?clinic=c1&amp;src=email\"", email.HtmlBody);
        Assert.Contains("https://book.example.com/?clinic=c1&src=email", email.TextBody);
    }

    [Fact]
    public void The_subject_names_no_treatment_or_diagnosis()
    {
        var subject = Compose().Subject.ToLowerInvariant();

        Assert.Contains("spine & pain <centre>", subject);
        foreach (var word in new[] { "botox", "injection", "botulinum", "back pain", "relief", "treatment" })
            Assert.DoesNotContain(word, subject);
    }

    [Fact]
    public void A_catch_up_email_after_relief_ended_speaks_in_the_past()
    {
        var before = Compose(reliefEndsOn: new DateOnly(2026, 6, 15), today: new DateOnly(2026, 6, 1));
        var after = Compose(reliefEndsOn: new DateOnly(2026, 6, 15), today: new DateOnly(2026, 6, 18));

        Assert.Contains("is expected to wear off around Monday 15 June 2026", before.TextBody);
        Assert.Contains("was expected to wear off around Monday 15 June 2026", after.TextBody);
        Assert.Contains("was expected to wear off", after.HtmlBody);
    }

    [Theory]
    [InlineData("es", "es", "Hola, Ana:", "lunes, 15 de junio de 2026", "Reservar cita")]
    [InlineData("es-MX", "es", "Hola, Ana:", "lunes, 15 de junio de 2026", "Reservar cita")]
    [InlineData("fr", "en", "Hi Ana,", "Monday 15 June 2026", "Book your appointment")]
    [InlineData("en-GB", "en", "Hi Ana,", "Monday 15 June 2026", "Book your appointment")]
    public void The_email_speaks_the_clinics_language_and_falls_back_to_English(string locale, string lang, string greeting, string date, string button)
    {
        var email = Compose(locale: locale);

        Assert.Contains($"lang=\"{lang}\"", email.HtmlBody);
        Assert.StartsWith(greeting, email.TextBody);
        Assert.Contains(date, email.TextBody);
        Assert.Contains(button, System.Net.WebUtility.HtmlDecode(email.HtmlBody));
    }

    [Fact]
    public void Css_is_inlined_for_mail_clients_and_the_booking_button_carries_the_accent_colour()
    {
        var html = Compose().HtmlBody;

        Assert.DoesNotContain("<style", html);
        Assert.DoesNotContain("class=", html);
        Assert.Matches("<a [^>]*href=\"https://book.example.com/\\?clinic=c1&amp;src=email\"[^>]*style=\"[^\"]*background-color: #0B6BCB", html);
    }

    [Fact]
    public void Every_email_carries_one_click_unsubscribe_headers_and_a_visible_link()
    {
        var email = Compose();

        Assert.Equal("List-Unsubscribe=One-Click", email.Headers["List-Unsubscribe-Post"]);
        Assert.Matches("^<https://r.example.com/api/unsubscribe\\?token=[A-Za-z0-9_-]+>$", email.Headers["List-Unsubscribe"]);
        var url = email.Headers["List-Unsubscribe"].Trim('<', '>');
        Assert.Contains(url, email.TextBody);
        Assert.Contains(url, email.HtmlBody);
        Assert.DoesNotContain("ana@example.com", url); // the address is only hashed inside the token
    }

    [Fact]
    public void Without_a_first_name_the_greeting_stays_polite()
    {
        Assert.StartsWith("Hello,", Compose(firstName: null).TextBody);
        Assert.StartsWith("Hi Ana,", Compose().TextBody);
    }

    [Fact]
    public async Task The_outbox_writes_one_multipart_eml_per_reminder_and_a_resend_overwrites_it()
    {
        var folder = Directory.CreateTempSubdirectory("outbox-").FullName;
        var sender = new OutboxEmailSender(Options.Create(new EmailOptions { OutboxPath = folder }), TestClock.New());
        var email = Compose();

        var first = await sender.SendAsync(email, TestContext.Current.CancellationToken);
        var again = await sender.SendAsync(email, TestContext.Current.CancellationToken);

        Assert.Equal(EmailSendOutcome.Accepted, first.Outcome);
        Assert.Equal(EmailSendOutcome.Accepted, again.Outcome);
        var file = Assert.Single(Directory.GetFiles(folder));
        Assert.Equal($"{ReminderId}.eml", Path.GetFileName(file));
        var message = await MimeMessage.LoadAsync(file, TestContext.Current.CancellationToken);
        Assert.Equal($"{ReminderId}@clinic.test", message.MessageId);
        Assert.Equal("auto-generated", message.Headers["Auto-Submitted"]);
        Assert.Equal("desk@c1.example.com", message.ReplyTo.Mailboxes.Single().Address);
        var alternative = Assert.IsType<MultipartAlternative>(message.Body);
        Assert.Equal(["text/plain", "text/html"], alternative.Select(part => part.ContentType.MimeType));
    }

    [Fact]
    public async Task An_outbox_file_with_spanish_text_is_strictly_well_formed_mime()
    {
        var folder = Directory.CreateTempSubdirectory("outbox-").FullName;
        var sender = new OutboxEmailSender(Options.Create(new EmailOptions { OutboxPath = folder }), TestClock.New());

        await sender.SendAsync(Compose(firstName: "Ángela Muñoz", locale: "es"), TestContext.Current.CancellationToken);

        var file = Assert.Single(Directory.GetFiles(folder));
        var bytes = await File.ReadAllBytesAsync(file, TestContext.Current.CancellationToken);
        // CRLF everywhere: no LF without its CR, no CR without its LF.
        for (var i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] == '\n') Assert.True(i > 0 && bytes[i - 1] == '\r', $"bare LF at byte {i}");
            if (bytes[i] == '\r') Assert.True(i + 1 < bytes.Length && bytes[i + 1] == '\n', $"bare CR at byte {i}");
        }
        // 7-bit safe: the accents are encoded, not written as raw 8-bit bytes a relay may mangle.
        Assert.All(bytes, b => Assert.True(b < 0x80));
        var message = MimeMessage.Load(new MemoryStream(bytes));
        var textParts = message.BodyParts.OfType<TextPart>().ToArray();
        Assert.Equal(2, textParts.Length);
        Assert.All(textParts, part =>
        {
            Assert.True(part.Headers.Contains(HeaderId.ContentTransferEncoding), $"{part.ContentType.MimeType} has no Content-Transfer-Encoding");
            Assert.Equal("utf-8", part.ContentType.Charset, ignoreCase: true);
            Assert.Contains("Ángela Muñoz", part.Text);
        });
        Assert.Contains("Hola, Ángela Muñoz:", message.TextBody);
    }

    [Fact]
    public void A_reminder_identity_is_a_stable_version_5_uuid()
    {
        var id = ReminderIdentity.For("c1", "p1", "s1", new DateOnly(2026, 6, 1));

        Assert.Equal(id, ReminderId);
        Assert.Equal(5, id.Version);
        Assert.NotEqual(id, ReminderIdentity.For("c1", "p1", "s1", new DateOnly(2026, 6, 2)));
        Assert.NotEqual(id, ReminderIdentity.For("c2", "p1", "s1", new DateOnly(2026, 6, 1)));
        // RFC 9562 appendix A.4: the DNS namespace and "www.example.com" give this v5 UUID.
        Assert.Equal(new Guid("2ed6657d-e927-568b-95e1-2665a8aea6a2"),
            ReminderIdentity.NameBased(new Guid("6ba7b810-9dad-11d1-80b4-00c04fd430c8"), "www.example.com"));
    }

    [Fact]
    public void A_treatment_is_named_only_in_the_body_and_only_when_the_clinic_allows_it()
    {
        var links = new Reminders.Security.SealedTokens(Links);
        ReminderEmailComposer Composer() => new(Options.Create(new EmailOptions { SenderAddress = "reminders@clinic.test" }), Links, new EmailTemplates(),
            new UnsubscribeTokens(links, new AddressHashes(Links), Links), new Reminders.CheckIn.CheckInTokens(links));
        ReminderEmailComposer.Input Input(string? treatment) => new(Clinic, "p1", ReminderId, "ana@example.com", "Ana", new DateOnly(2026, 6, 15), new DateOnly(2026, 6, 1),
            SessionId: "s1", TreatmentName: treatment);

        var named = Composer().Compose(Input("Botox, lumbar"));
        var plain = Composer().Compose(Input(null));

        Assert.Contains("(Botox, lumbar)", named.TextBody);
        Assert.DoesNotContain("Botox", named.Subject);
        Assert.DoesNotContain("Botox", plain.TextBody + plain.HtmlBody);
    }
}
