using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using Reminders.Tests.Infrastructure;

namespace Reminders.Tests.ApiDescription;

/// <summary>
/// Real requests, good and bad, to every route over HTTP; each answer must be one the document declares for that
/// route, method and status, with a body that matches its schema. Run against both hosts (subclasses at the end).
/// At the end every declared status must have been seen, but for the few this test cannot provoke (listed).
/// </summary>
public abstract class OpenApiConformanceTests(Azurite azurite) : HostedApiTests(azurite)
{
    /// <summary>Declared but not provoked here: storage races (409), the 501st session (422) and overload (503, see
    /// <see cref="OpenApiOverloadAndLimitTests"/>), and storage being down (the health check's 503).</summary>
    private static readonly string[] NotProvoked =
        ["RegisterSession 409", "CancelSession 409", "RegisterSession 422", "Health 503", "HealthReady 503", "PutWebhook 409", "RotateWebhookSecret 409", "CancelBooking 409"];

    private readonly HashSet<string> _seen = [];
    private string _key = "";

    private static OpenApiContract Contract => OpenApiContract.Committed;

    [Fact]
    public async Task Every_answer_is_one_the_document_declares()
    {
        await DocumentAndHealth();
        await Clinics();
        await KeysAndPreviewLinks();
        await Sessions();
        await Batch();
        await Patients();
        await SendPlan();
        await SweepPreviewAndUnsubscribe();
        await DeliveryReportsAndBounce();
        await Webhooks();
        await Bookings();
        await Treatments();
        await CancelAndErase();

        var declared = Contract.Operations()
            .SelectMany(o => o.Operation["responses"]!.AsObject().Select(r => $"{o.Operation["operationId"]} {r.Key}"))
            // The shared overload 503 and rate-limit 429 are provoked once each in OpenApiOverloadAndLimitTests.
            .Where(s => !s.EndsWith(" 503") || s is "Health 503" or "HealthReady 503")
            .Where(s => !s.EndsWith(" 429"));
        Assert.Empty(declared.Except(_seen).Except(NotProvoked));
    }

    private async Task DocumentAndHealth()
    {
        await Expect(HttpStatusCode.OK, Send(HttpMethod.Get, OpenApiContract.DocumentPath));
        await Expect(HttpStatusCode.OK, Send(HttpMethod.Get, "/api/health"));
        await Expect(HttpStatusCode.OK, Send(HttpMethod.Get, "/api/health/live"));
        await Expect(HttpStatusCode.OK, Send(HttpMethod.Get, "/api/health/ready"));
    }

    private async Task Clinics()
    {
        var clinic = new { name = "North", timeZone = "Europe/Madrid", bookingUrl = "https://north.example.com/book", replyTo = "desk@north.example.com" };
        await Expect(HttpStatusCode.Unauthorized, Send(HttpMethod.Put, "/api/clinics/north", Json(clinic)));
        await Expect(HttpStatusCode.Unauthorized, Send(HttpMethod.Put, "/api/clinics/north", Json(clinic), admin: "wrong-admin-key"));
        var created = await Expect(HttpStatusCode.Created, Send(HttpMethod.Put, "/api/clinics/north", Json(clinic), admin: TestSettings.AdminKey));
        _key = created!["apiKey"]!.GetValue<string>();
        var updated = await Expect(HttpStatusCode.OK, Send(HttpMethod.Put, "/api/clinics/north",
            Json(new { clinic.name, clinic.timeZone, clinic.bookingUrl, reliefDays = 100, locale = "es", accentColor = "#123456" }), admin: TestSettings.AdminKey));
        Assert.NotNull(updated!["replanned"]);
        await Expect(HttpStatusCode.BadRequest, Send(HttpMethod.Put, "/api/clinics/north", Json(new { timeZone = "Mars/Olympus" }), admin: TestSettings.AdminKey));
        await Expect(HttpStatusCode.BadRequest, Send(HttpMethod.Put, "/api/clinics/north", Raw("{\"name\":"), admin: TestSettings.AdminKey));
        await Expect(HttpStatusCode.UnsupportedMediaType, Send(HttpMethod.Put, "/api/clinics/north", Raw("name=North", "text/plain"), admin: TestSettings.AdminKey));
        await Expect(HttpStatusCode.RequestEntityTooLarge, Send(HttpMethod.Put, "/api/clinics/north", TooLarge(64 * 1024), admin: TestSettings.AdminKey));
    }

    private async Task KeysAndPreviewLinks()
    {
        const string keys = "/api/clinics/north/keys";
        var issued = await Expect(HttpStatusCode.Created, Send(HttpMethod.Post, keys, admin: TestSettings.AdminKey));
        await Expect(HttpStatusCode.Unauthorized, Send(HttpMethod.Post, keys, clinic: _key));
        await Expect(HttpStatusCode.NotFound, Send(HttpMethod.Post, "/api/clinics/nowhere/keys", admin: TestSettings.AdminKey));
        await Expect(HttpStatusCode.BadRequest, Send(HttpMethod.Post, "/api/clinics/bad%23id/keys", admin: TestSettings.AdminKey));
        // The first key and the one above: eight more reach the limit, the next is refused.
        for (var i = 0; i < 8; i++) await Expect(HttpStatusCode.Created, Send(HttpMethod.Post, keys, admin: TestSettings.AdminKey));
        await Expect(HttpStatusCode.Conflict, Send(HttpMethod.Post, keys, admin: TestSettings.AdminKey));
        await Expect(HttpStatusCode.OK, Send(HttpMethod.Get, keys, admin: TestSettings.AdminKey));
        await Expect(HttpStatusCode.Unauthorized, Send(HttpMethod.Get, keys));
        await Expect(HttpStatusCode.NotFound, Send(HttpMethod.Get, "/api/clinics/nowhere/keys", admin: TestSettings.AdminKey));
        await Expect(HttpStatusCode.BadRequest, Send(HttpMethod.Get, "/api/clinics/bad%23id/keys", admin: TestSettings.AdminKey));
        var id = issued!["id"]!.GetValue<string>();
        await Expect(HttpStatusCode.Unauthorized, Send(HttpMethod.Delete, $"{keys}/{id}", clinic: _key));
        await Expect(HttpStatusCode.NoContent, Send(HttpMethod.Delete, $"{keys}/{id}", admin: TestSettings.AdminKey));
        // A staff key, in the room the revocation made: it reads, and is refused the rest with the declared 403.
        await Expect(HttpStatusCode.BadRequest, Send(HttpMethod.Post, keys + "?scope=owner", admin: TestSettings.AdminKey));
        var staff = (await Expect(HttpStatusCode.Created, Send(HttpMethod.Post, keys + "?scope=staff", admin: TestSettings.AdminKey)))!["apiKey"]!.GetValue<string>();
        await Expect(HttpStatusCode.OK, Send(HttpMethod.Get, "/api/stats", clinic: staff));
        await Expect(HttpStatusCode.OK, Send(HttpMethod.Get, "/api/clinic", clinic: staff));
        await Expect(HttpStatusCode.Unauthorized, Send(HttpMethod.Get, "/api/clinic"));
        // Every call that declares the staff key's 403 answers it, before reading a body or touching anything.
        foreach (var (method, path, _) in Contract.Operations().Where(o => o.Operation["responses"]!.AsObject().ContainsKey("403")).ToList())
        {
            var concrete = System.Text.RegularExpressions.Regex.Replace(path.Replace("{clinicId}", "north", StringComparison.Ordinal), "{[^}]+}", "x1");
            await Expect(HttpStatusCode.Forbidden, Send(new HttpMethod(method), concrete, Json(new { }), clinic: staff));
        }
        await Expect(HttpStatusCode.NotFound, Send(HttpMethod.Delete, $"{keys}/{id}", admin: TestSettings.AdminKey));
        await Expect(HttpStatusCode.BadRequest, Send(HttpMethod.Delete, $"{keys}/not-an-id!", admin: TestSettings.AdminKey));

        const string previewLink = "/api/clinics/north/preview-link";
        var link = await Expect(HttpStatusCode.OK, Send(HttpMethod.Post, previewLink + "?locale=es", clinic: _key));
        await Expect(HttpStatusCode.OK, Send(HttpMethod.Post, previewLink, admin: TestSettings.AdminKey));
        await Expect(HttpStatusCode.Unauthorized, Send(HttpMethod.Post, previewLink));
        await Expect(HttpStatusCode.NotFound, Send(HttpMethod.Post, "/api/clinics/south/preview-link", clinic: _key));
        await Expect(HttpStatusCode.BadRequest, Send(HttpMethod.Post, previewLink + "?locale=xx-nope", clinic: _key));
        await Expect(HttpStatusCode.OK, Send(HttpMethod.Get, new Uri(link!["url"]!.GetValue<string>()).PathAndQuery));
        await Expect(HttpStatusCode.Unauthorized, Send(HttpMethod.Get, "/api/email-preview?link=forged", accept: "text/html"));
        await Expect(HttpStatusCode.BadRequest, Send(HttpMethod.Get, "/api/email-preview?locale=xx-nope", clinic: _key));
        await SignInLinks();
    }

    private async Task SignInLinks()
    {
        const string links = "/api/clinics/north/sign-in-links";
        var url = (await Expect(HttpStatusCode.OK, Send(HttpMethod.Post, links + "?minutes=30", admin: TestSettings.AdminKey)))!["url"]!.GetValue<string>();
        await Expect(HttpStatusCode.Unauthorized, Send(HttpMethod.Post, links));
        await Expect(HttpStatusCode.OK, Send(HttpMethod.Post, links, clinic: _key));
        await Expect(HttpStatusCode.NotFound, Send(HttpMethod.Post, "/api/clinics/south/sign-in-links", clinic: _key));
        await Expect(HttpStatusCode.BadRequest, Send(HttpMethod.Post, links + "?minutes=0", admin: TestSettings.AdminKey));
        await Expect(HttpStatusCode.NotFound, Send(HttpMethod.Post, "/api/clinics/nowhere/sign-in-links", admin: TestSettings.AdminKey));
        var link = Json(new { signInLink = ApiCalls.SignInTokenOf(url) });
        var session = await Expect(HttpStatusCode.Created, Send(HttpMethod.Post, "/api/staff-sessions", link));
        await Expect(HttpStatusCode.Unauthorized, Send(HttpMethod.Post, "/api/staff-sessions", link));
        await Expect(HttpStatusCode.BadRequest, Send(HttpMethod.Post, "/api/staff-sessions", Json(new { })));
        await Expect(HttpStatusCode.UnsupportedMediaType, Send(HttpMethod.Post, "/api/staff-sessions", Raw("link", "text/plain")));
        await Expect(HttpStatusCode.RequestEntityTooLarge, Send(HttpMethod.Post, "/api/staff-sessions", TooLarge(64 * 1024)));
        await Expect(HttpStatusCode.OK, Send(HttpMethod.Get, "/api/clinic", clinic: session!["sessionKey"]!.GetValue<string>()));
        const string sessions = "/api/clinics/north/staff-sessions";
        await Expect(HttpStatusCode.Unauthorized, Send(HttpMethod.Delete, sessions));
        await Expect(HttpStatusCode.BadRequest, Send(HttpMethod.Delete, "/api/clinics/bad%23id/staff-sessions", admin: TestSettings.AdminKey));
        await Expect(HttpStatusCode.NotFound, Send(HttpMethod.Delete, "/api/clinics/nowhere/staff-sessions", admin: TestSettings.AdminKey));
        await Expect(HttpStatusCode.NoContent, Send(HttpMethod.Delete, sessions, admin: TestSettings.AdminKey));
    }

    private async Task Sessions()
    {
        var session = new { patientId = "p1", email = "ana@example.com", firstName = "Ana", injectionDate = Host.DaysAgo(90), sessionId = "s1" };
        await Expect(HttpStatusCode.Created, Send(HttpMethod.Post, "/api/sessions", Json(session), clinic: _key));
        await Expect(HttpStatusCode.OK, Send(HttpMethod.Post, "/api/sessions", Json(session), clinic: _key));
        await Expect(HttpStatusCode.BadRequest, Send(HttpMethod.Post, "/api/sessions", Json(new { patientId = "p2", injectionDate = Host.DaysAgo(1) }), clinic: _key));
        await Expect(HttpStatusCode.BadRequest, Send(HttpMethod.Post, "/api/sessions",
            Json(new { patientId = "p2", email = "b@example.com", injectionDate = "2026-02-30" }), clinic: _key));
        await Expect(HttpStatusCode.BadRequest, Send(HttpMethod.Post, "/api/sessions", Raw("{\"patientId\": 7}"), clinic: _key));
        await Expect(HttpStatusCode.Unauthorized, Send(HttpMethod.Post, "/api/sessions", Json(session), clinic: "rk_not-a-clinic-key"));
        await Expect(HttpStatusCode.Unauthorized, Send(HttpMethod.Post, "/api/sessions", Json(session)));
        await Expect(HttpStatusCode.UnsupportedMediaType, Send(HttpMethod.Post, "/api/sessions", Raw("<session/>", "application/xml"), clinic: _key));
        await Expect(HttpStatusCode.RequestEntityTooLarge, Send(HttpMethod.Post, "/api/sessions", TooLarge(64 * 1024), clinic: _key));
    }

    private async Task Batch()
    {
        var d = Host.DaysAgo(10);
        var mixed = $$"""
            {"sessions": [
              {"patientId": "p2", "email": "b@example.com", "injectionDate": "{{d}}"},
              {"patientId": 12345, "email": "c@example.com", "injectionDate": "{{d}}"},
              {"patientId": "p3", "email": "not an address", "injectionDate": "{{d}}"},
              {"patientId": "p1", "email": "ana@example.com", "firstName": "Ana", "injectionDate": "{{Host.DaysAgo(90)}}", "sessionId": "s1"}
            ]}
            """;
        var results = (await Expect(HttpStatusCode.OK, Send(HttpMethod.Post, "/api/sessions/batch", Raw(mixed), clinic: _key)))!["results"]!.AsArray();
        Assert.Equal([201, 400, 400, 200], results.Select(r => r!["status"]!.GetValue<int>()));
        await Expect(HttpStatusCode.BadRequest, Send(HttpMethod.Post, "/api/sessions/batch", Raw("{\"sessions\": []}"), clinic: _key));
        await Expect(HttpStatusCode.BadRequest, Send(HttpMethod.Post, "/api/sessions/batch", Raw("{\"sessions\": ["), clinic: _key));
        await Expect(HttpStatusCode.Unauthorized, Send(HttpMethod.Post, "/api/sessions/batch", Raw(mixed)));
        await Expect(HttpStatusCode.UnsupportedMediaType, Send(HttpMethod.Post, "/api/sessions/batch", Raw(mixed, "text/plain"), clinic: _key));
        await Expect(HttpStatusCode.RequestEntityTooLarge, Send(HttpMethod.Post, "/api/sessions/batch", TooLarge(192 * 1024), clinic: _key));
    }

    private async Task Patients()
    {
        await Expect(HttpStatusCode.OK, Send(HttpMethod.Get, "/api/patients/p1", clinic: _key));
        await Expect(HttpStatusCode.NotFound, Send(HttpMethod.Get, "/api/patients/nobody", clinic: _key));
        await Expect(HttpStatusCode.BadRequest, Send(HttpMethod.Get, "/api/patients/not%20an%20id", clinic: _key));
        await Expect(HttpStatusCode.Unauthorized, Send(HttpMethod.Get, "/api/patients/p1", clinic: "rk_nope"));
    }

    private async Task SendPlan()
    {
        // p1 (injection 90 days ago, relief 100) and p2 (10 days ago) both have a reminder date in the range.
        var range = $"from={Host.DaysAgo(5)}&to={Host.DaysAgo(-80)}";
        var first = await Expect(HttpStatusCode.OK, Send(HttpMethod.Get, $"/api/reminders?{range}&pageSize=1", clinic: _key));
        var token = first!["continuationToken"]!.GetValue<string>();
        var last = await Expect(HttpStatusCode.OK, Send(HttpMethod.Get, $"/api/reminders?{range}&pageSize=1&continuationToken={Uri.EscapeDataString(token)}", clinic: _key));
        Assert.Single(last!["reminders"]!.AsArray());
        await Expect(HttpStatusCode.BadRequest, Send(HttpMethod.Get, $"/api/reminders?from=2026-13-01&to={Host.DaysAgo(0)}", clinic: _key));
        await Expect(HttpStatusCode.BadRequest, Send(HttpMethod.Get, $"/api/reminders?{range}&continuationToken=forged", clinic: _key));
        await Expect(HttpStatusCode.BadRequest, Send(HttpMethod.Get, $"/api/reminders?{range}&pageSize=0", clinic: _key));
        await Expect(HttpStatusCode.Unauthorized, Send(HttpMethod.Get, $"/api/reminders?{range}"));

        await Expect(HttpStatusCode.OK, Send(HttpMethod.Get, "/api/stats", clinic: _key));
        await Expect(HttpStatusCode.OK, Send(HttpMethod.Get, $"/api/stats?from={Host.DaysAgo(30)}&to={Host.DaysAgo(0)}", clinic: _key));
        await Expect(HttpStatusCode.BadRequest, Send(HttpMethod.Get, $"/api/stats?from={Host.DaysAgo(0)}&to={Host.DaysAgo(400)}", clinic: _key));
        await Expect(HttpStatusCode.BadRequest, Send(HttpMethod.Get, "/api/stats?from=2026-02-30", clinic: _key));
        await Expect(HttpStatusCode.Unauthorized, Send(HttpMethod.Get, "/api/stats"));
    }

    private async Task SweepPreviewAndUnsubscribe()
    {
        await Expect(HttpStatusCode.Unauthorized, Send(HttpMethod.Post, "/api/sweeps"));
        await Expect(HttpStatusCode.Unauthorized, Send(HttpMethod.Post, "/api/sweeps", admin: "wrong-admin-key"));
        // p1's reminder (relief of 100 days from 90 days ago, 14 days before) is due: the sweep sends it.
        var sweep = await Expect(HttpStatusCode.OK, Send(HttpMethod.Post, "/api/sweeps", admin: TestSettings.AdminKey));
        Assert.Equal(1, sweep!["sent"]!.GetValue<int>());

        await Expect(HttpStatusCode.OK, Send(HttpMethod.Get, "/api/email-preview", clinic: _key));
        await Expect(HttpStatusCode.OK, Send(HttpMethod.Get, "/api/email-preview?step=2&locale=es", clinic: _key));
        await Expect(HttpStatusCode.BadRequest, Send(HttpMethod.Get, "/api/email-preview?step=9", clinic: _key));
        await Expect(HttpStatusCode.Unauthorized, Send(HttpMethod.Get, "/api/email-preview"));

        var email = Assert.Single(Outbox.Messages(Host.Settings.OutboxPath));
        var link = new Uri(email.Headers["List-Unsubscribe"]!.Trim('<', '>')).PathAndQuery;
        await Expect(HttpStatusCode.OK, Send(HttpMethod.Get, link));
        await Expect(HttpStatusCode.OK, Send(HttpMethod.Head, link));
        await Expect(HttpStatusCode.BadRequest, Send(HttpMethod.Head, "/api/unsubscribe?token=forged"));
        await Expect(HttpStatusCode.BadRequest, Send(HttpMethod.Get, "/api/unsubscribe?token=forged"));
        await Expect(HttpStatusCode.BadRequest, Send(HttpMethod.Get, "/api/unsubscribe?token=forged", accept: "text/html"));
        await Expect(HttpStatusCode.BadRequest, Send(HttpMethod.Get, "/api/unsubscribe"));
        await Expect(HttpStatusCode.OK, Send(HttpMethod.Post, link, Form(("List-Unsubscribe", "One-Click"))));
        await Expect(HttpStatusCode.OK, Send(HttpMethod.Post, link, Form(("action", "resubscribe"))));
        await Expect(HttpStatusCode.BadRequest, Send(HttpMethod.Post, "/api/unsubscribe?token=forged", Form(("List-Unsubscribe", "One-Click"))));
        await Expect(HttpStatusCode.BadRequest, Send(HttpMethod.Post, "/api/unsubscribe?token=forged", Form(("List-Unsubscribe", "One-Click")), accept: "text/html"));
        await Expect(HttpStatusCode.RequestEntityTooLarge, Send(HttpMethod.Post, link, Form(("action", new string('x', 70 * 1024)))));

        var notYet = new Uri(System.Text.RegularExpressions.Regex.Match(email.TextBody!, @"https?://\S+/api/check-in\?token=\S+&answer=notYet").Value).PathAndQuery;
        await Expect(HttpStatusCode.OK, Send(HttpMethod.Get, notYet));
        await Expect(HttpStatusCode.OK, Send(HttpMethod.Head, notYet));
        await Expect(HttpStatusCode.BadRequest, Send(HttpMethod.Get, "/api/check-in?token=forged&answer=notYet"));
        await Expect(HttpStatusCode.BadRequest, Send(HttpMethod.Head, "/api/check-in?token=forged&answer=notYet"));
        await Expect(HttpStatusCode.BadRequest, Send(HttpMethod.Get, "/api/check-in?token=forged&answer=notYet", accept: "text/html"));
        await Expect(HttpStatusCode.BadRequest, Send(HttpMethod.Get, notYet.Replace("notYet", "maybe", StringComparison.Ordinal)));
        // "No longer" on a sent reminder records the answer only: the reminder stays Sent for the delivery reports below.
        await Expect(HttpStatusCode.OK, Send(HttpMethod.Post, notYet.Replace("answer=notYet", "answer=noLonger", StringComparison.Ordinal)));
        await Expect(HttpStatusCode.BadRequest, Send(HttpMethod.Post, notYet, Form(("weeks", "3"))));
        await Expect(HttpStatusCode.BadRequest, Send(HttpMethod.Post, "/api/check-in?token=forged&answer=noLonger", Form(("weeks", "2")), accept: "text/html"));
        await Expect(HttpStatusCode.RequestEntityTooLarge, Send(HttpMethod.Post, notYet, Form(("weeks", new string('x', 70 * 1024)))));
    }

    private async Task DeliveryReportsAndBounce()
    {
        const string events = "/api/events/email?secret=" + TestSettings.EventGridSecret;
        var patient = await Expect(HttpStatusCode.OK, Send(HttpMethod.Get, "/api/patients/p1", clinic: _key));
        var reminderId = patient!["sessions"]!.AsArray().Single(s => s!["status"]!.GetValue<string>() == "Sent")!["reminderId"]!.GetValue<string>();
        var validation = $$"""[{"id":"v1","topic":"/subscriptions/x","subject":"","eventType":"Microsoft.EventGrid.SubscriptionValidationEvent","eventTime":"2026-03-02T09:00:00Z","data":{"validationCode":"code-1"},"dataVersion":"2","metadataVersion":"1"}]""";
        var report = $$"""[{"id":"r1","topic":"/subscriptions/x","subject":"sender/a@b.test/message/{{reminderId}}","eventType":"Microsoft.Communication.EmailDeliveryReportReceived","eventTime":"2026-03-02T09:00:00Z","data":{"sender":"a@b.test","recipient":"ana@example.com","messageId":"{{reminderId}}","status":"Bounced","deliveryStatusDetails":{"statusMessage":"550 no such user"},"deliveryAttemptTimestamp":"2026-03-02T09:00:00Z"},"dataVersion":"1.0","metadataVersion":"1"}]""";
        await Expect(HttpStatusCode.OK, Send(HttpMethod.Post, events, Raw(validation)));
        await Expect(HttpStatusCode.OK, Send(HttpMethod.Post, events, Raw(report)));
        await Expect(HttpStatusCode.BadRequest, Send(HttpMethod.Post, events, Raw("[{\"id\":")));
        await Expect(HttpStatusCode.UnsupportedMediaType, Send(HttpMethod.Post, events, Raw("x", "text/plain")));
        // A body this large with a declared length asks Expect: 100-continue, as such clients do, so the 413 is read
        // rather than a broken pipe when the Server closes the connection unread.
        var tooLarge = new HttpRequestMessage(HttpMethod.Post, events) { Content = TooLarge(1024 * 1024) };
        tooLarge.Headers.ExpectContinue = true;
        await Expect(HttpStatusCode.RequestEntityTooLarge, Host.Client.SendAsync(tooLarge));
        await Expect(HttpStatusCode.Unauthorized, Send(HttpMethod.Post, "/api/events/email?secret=wrong", Raw(report)));
        var handshake = new HttpRequestMessage(HttpMethod.Options, events);
        handshake.Headers.Add("WebHook-Request-Origin", "eventgrid.azure.net");
        await Expect(HttpStatusCode.OK, Host.Client.SendAsync(handshake));
        await Expect(HttpStatusCode.BadRequest, Send(HttpMethod.Options, events));
        await Expect(HttpStatusCode.Unauthorized, Send(HttpMethod.Options, "/api/events/email"));

        var bounced = await Expect(HttpStatusCode.OK, Send(HttpMethod.Get, "/api/patients/p1", clinic: _key));
        Assert.True(bounced!["bounced"]!.GetValue<bool>());
        await Expect(HttpStatusCode.NoContent, Send(HttpMethod.Delete, "/api/patients/p1/bounce", clinic: _key));
        await Expect(HttpStatusCode.NotFound, Send(HttpMethod.Delete, "/api/patients/nobody/bounce", clinic: _key));
        await Expect(HttpStatusCode.BadRequest, Send(HttpMethod.Delete, "/api/patients/bad%23id/bounce", clinic: _key));
        await Expect(HttpStatusCode.Unauthorized, Send(HttpMethod.Delete, "/api/patients/p1/bounce"));
    }

    private async Task Webhooks()
    {
        await Expect(HttpStatusCode.NotFound, Send(HttpMethod.Get, "/api/webhooks", clinic: _key));
        await Expect(HttpStatusCode.NotFound, Send(HttpMethod.Post, "/api/webhooks/secret", clinic: _key));
        await Expect(HttpStatusCode.NotFound, Send(HttpMethod.Delete, "/api/webhooks", clinic: _key));
        await Expect(HttpStatusCode.Unauthorized, Send(HttpMethod.Put, "/api/webhooks", Json(new { url = "https://hooks.example.com/in" })));
        await Expect(HttpStatusCode.BadRequest, Send(HttpMethod.Put, "/api/webhooks", Json(new { url = "https://10.0.0.1/in" }), clinic: _key));
        await Expect(HttpStatusCode.UnsupportedMediaType, Send(HttpMethod.Put, "/api/webhooks", Raw("x", "text/plain"), clinic: _key));
        await Expect(HttpStatusCode.RequestEntityTooLarge, Send(HttpMethod.Put, "/api/webhooks", TooLarge(64 * 1024), clinic: _key));
        await Expect(HttpStatusCode.Created, Send(HttpMethod.Put, "/api/webhooks", Json(new { url = "https://hooks.example.com/in" }), clinic: _key));
        await Expect(HttpStatusCode.OK, Send(HttpMethod.Put, "/api/webhooks", Json(new { url = "https://hooks.example.com/in2" }), clinic: _key));
        await Expect(HttpStatusCode.OK, Send(HttpMethod.Get, "/api/webhooks", clinic: _key));
        await Expect(HttpStatusCode.Unauthorized, Send(HttpMethod.Get, "/api/webhooks"));
        await Expect(HttpStatusCode.OK, Send(HttpMethod.Post, "/api/webhooks/secret", clinic: _key));
        await Expect(HttpStatusCode.Unauthorized, Send(HttpMethod.Post, "/api/webhooks/secret"));

        // An event to list and replay: a session registered and cancelled.
        await Expect(HttpStatusCode.Created, Send(HttpMethod.Post, "/api/sessions",
            Json(new { patientId = "hook", email = "hook@example.com", injectionDate = Host.DaysAgo(10), sessionId = "h1" }), clinic: _key));
        await Expect(HttpStatusCode.NoContent, Send(HttpMethod.Delete, "/api/patients/hook/sessions/h1", clinic: _key));
        var page = await Expect(HttpStatusCode.OK, Send(HttpMethod.Get, "/api/webhooks/deliveries?limit=10", clinic: _key));
        var eventId = page!["deliveries"]!.AsArray().First()!["id"]!.GetValue<string>();
        await Expect(HttpStatusCode.BadRequest, Send(HttpMethod.Get, "/api/webhooks/deliveries?limit=1000", clinic: _key));
        await Expect(HttpStatusCode.Unauthorized, Send(HttpMethod.Get, "/api/webhooks/deliveries"));
        await Expect(HttpStatusCode.Accepted, Send(HttpMethod.Post, $"/api/webhooks/deliveries/{eventId}/replay", clinic: _key));
        var unknown = eventId[..^1] + (eventId[^1] == '0' ? '1' : '0');
        await Expect(HttpStatusCode.NotFound, Send(HttpMethod.Post, $"/api/webhooks/deliveries/{unknown}/replay", clinic: _key));
        await Expect(HttpStatusCode.BadRequest, Send(HttpMethod.Post, "/api/webhooks/deliveries/nope/replay", clinic: _key));
        await Expect(HttpStatusCode.Unauthorized, Send(HttpMethod.Post, $"/api/webhooks/deliveries/{eventId}/replay"));
        await Expect(HttpStatusCode.NoContent, Send(HttpMethod.Delete, "/api/webhooks", clinic: _key));
        await Expect(HttpStatusCode.Unauthorized, Send(HttpMethod.Delete, "/api/webhooks"));
    }

    private async Task Treatments()
    {
        var proposed = new { name = "North", timeZone = "Europe/Madrid", bookingUrl = "https://north.example.com/book", reliefDays = 120 };
        await Expect(HttpStatusCode.OK, Send(HttpMethod.Post, "/api/clinics/north/plan-preview", Json(proposed), admin: TestSettings.AdminKey));
        await Expect(HttpStatusCode.BadRequest, Send(HttpMethod.Post, "/api/clinics/north/plan-preview", Json(new { name = "North" }), admin: TestSettings.AdminKey));
        await Expect(HttpStatusCode.NotFound, Send(HttpMethod.Post, "/api/clinics/nowhere/plan-preview", Json(proposed), admin: TestSettings.AdminKey));
        await Expect(HttpStatusCode.Unauthorized, Send(HttpMethod.Post, "/api/clinics/north/plan-preview", Json(proposed), clinic: _key));
        await Expect(HttpStatusCode.UnsupportedMediaType, Send(HttpMethod.Post, "/api/clinics/north/plan-preview", Raw("x", "text/plain"), admin: TestSettings.AdminKey));
        await Expect(HttpStatusCode.RequestEntityTooLarge, Send(HttpMethod.Post, "/api/clinics/north/plan-preview", TooLarge(64 * 1024), admin: TestSettings.AdminKey));

        var treatment = new { name = "Botulinum toxin, lumbar", reliefDays = 98, minReliefDays = 84, maxReliefDays = 180 };
        await Expect(HttpStatusCode.Created, Send(HttpMethod.Put, "/api/clinics/north/treatments/botox", Json(treatment), admin: TestSettings.AdminKey));
        await Expect(HttpStatusCode.OK, Send(HttpMethod.Put, "/api/clinics/north/treatments/botox", Json(treatment), admin: TestSettings.AdminKey));
        await Expect(HttpStatusCode.BadRequest, Send(HttpMethod.Put, "/api/clinics/north/treatments/botox", Json(new { name = "x", minReliefDays = 200, maxReliefDays = 100 }), admin: TestSettings.AdminKey));
        await Expect(HttpStatusCode.NotFound, Send(HttpMethod.Put, "/api/clinics/nowhere/treatments/botox", Json(treatment), admin: TestSettings.AdminKey));
        await Expect(HttpStatusCode.Unauthorized, Send(HttpMethod.Put, "/api/clinics/north/treatments/botox", Json(treatment), clinic: _key));
        await Expect(HttpStatusCode.UnsupportedMediaType, Send(HttpMethod.Put, "/api/clinics/north/treatments/botox", Raw("x", "text/plain"), admin: TestSettings.AdminKey));
        await Expect(HttpStatusCode.RequestEntityTooLarge, Send(HttpMethod.Put, "/api/clinics/north/treatments/botox", TooLarge(64 * 1024), admin: TestSettings.AdminKey));
        for (var i = 1; i < Reminders.Treatments.TreatmentCatalog.MaxPerClinic; i++)
            await Expect(HttpStatusCode.Created, Send(HttpMethod.Put, $"/api/clinics/north/treatments/t{i}", Json(new { name = $"T{i}" }), admin: TestSettings.AdminKey));
        await Expect(HttpStatusCode.Conflict, Send(HttpMethod.Put, "/api/clinics/north/treatments/one-too-many", Json(new { name = "X" }), admin: TestSettings.AdminKey));
        await Expect(HttpStatusCode.OK, Send(HttpMethod.Get, "/api/clinics/north/treatments/botox", clinic: _key));
        await Expect(HttpStatusCode.OK, Send(HttpMethod.Get, "/api/clinics/north/treatments/botox", admin: TestSettings.AdminKey));
        await Expect(HttpStatusCode.NotFound, Send(HttpMethod.Get, "/api/clinics/north/treatments/none", clinic: _key));
        await Expect(HttpStatusCode.BadRequest, Send(HttpMethod.Get, "/api/clinics/north/treatments/a%20b", clinic: _key));
        await Expect(HttpStatusCode.Unauthorized, Send(HttpMethod.Get, "/api/clinics/north/treatments/botox"));
        await Expect(HttpStatusCode.OK, Send(HttpMethod.Get, "/api/clinics/north/treatments", clinic: _key));
        await Expect(HttpStatusCode.NotFound, Send(HttpMethod.Get, "/api/clinics/elsewhere/treatments", clinic: _key));
        await Expect(HttpStatusCode.BadRequest, Send(HttpMethod.Get, "/api/clinics/a%20b/treatments", clinic: _key));
        await Expect(HttpStatusCode.Unauthorized, Send(HttpMethod.Get, "/api/clinics/north/treatments"));
    }

    private async Task Bookings()
    {
        var date = Host.DaysAgo(-7);
        await Expect(HttpStatusCode.Created, Send(HttpMethod.Put, "/api/patients/p1/bookings/b1", Json(new { date }), clinic: _key));
        await Expect(HttpStatusCode.OK, Send(HttpMethod.Put, "/api/patients/p1/bookings/b1", Json(new { date, treatmentId = "t1" }), clinic: _key));
        await Expect(HttpStatusCode.BadRequest, Send(HttpMethod.Put, "/api/patients/p1/bookings/b1", Json(new { date = "2000-01-01" }), clinic: _key));
        await Expect(HttpStatusCode.NotFound, Send(HttpMethod.Put, "/api/patients/nobody/bookings/b1", Json(new { date }), clinic: _key));
        await Expect(HttpStatusCode.Unauthorized, Send(HttpMethod.Put, "/api/patients/p1/bookings/b1", Json(new { date })));
        await Expect(HttpStatusCode.UnsupportedMediaType, Send(HttpMethod.Put, "/api/patients/p1/bookings/b1", Raw("x", "text/plain"), clinic: _key));
        await Expect(HttpStatusCode.RequestEntityTooLarge, Send(HttpMethod.Put, "/api/patients/p1/bookings/b1", TooLarge(64 * 1024), clinic: _key));
        for (var i = 2; i <= Reminders.Bookings.Booking.MaxPerPatient; i++)
            await Expect(HttpStatusCode.Created, Send(HttpMethod.Put, $"/api/patients/p1/bookings/b{i}", Json(new { date }), clinic: _key));
        await Expect(HttpStatusCode.Conflict, Send(HttpMethod.Put, "/api/patients/p1/bookings/one-too-many", Json(new { date }), clinic: _key));
        for (var i = 1; i <= Reminders.Bookings.Booking.MaxPerPatient; i++)
            await Expect(HttpStatusCode.NoContent, Send(HttpMethod.Delete, $"/api/patients/p1/bookings/b{i}", clinic: _key));
        await Expect(HttpStatusCode.NotFound, Send(HttpMethod.Delete, "/api/patients/p1/bookings/b1", clinic: _key));
        await Expect(HttpStatusCode.BadRequest, Send(HttpMethod.Delete, "/api/patients/p1/bookings/a%20b", clinic: _key));
        await Expect(HttpStatusCode.Unauthorized, Send(HttpMethod.Delete, "/api/patients/p1/bookings/b1"));
    }

    private async Task CancelAndErase()
    {
        await Expect(HttpStatusCode.NoContent, Send(HttpMethod.Delete, "/api/patients/p1/sessions/s1", clinic: _key));
        await Expect(HttpStatusCode.NotFound, Send(HttpMethod.Delete, "/api/patients/p1/sessions/nope", clinic: _key));
        await Expect(HttpStatusCode.BadRequest, Send(HttpMethod.Delete, "/api/patients/p1/sessions/a%0Ab", clinic: _key));
        await Expect(HttpStatusCode.Unauthorized, Send(HttpMethod.Delete, "/api/patients/p1/sessions/s1"));
        await Expect(HttpStatusCode.NoContent, Send(HttpMethod.Delete, "/api/patients/p1", clinic: _key));
        await Expect(HttpStatusCode.NotFound, Send(HttpMethod.Delete, "/api/patients/p1", clinic: _key));
        await Expect(HttpStatusCode.NotFound, Send(HttpMethod.Get, "/api/patients/p1", clinic: _key));
        await Expect(HttpStatusCode.BadRequest, Send(HttpMethod.Delete, "/api/patients/bad%23id", clinic: _key));
        await Expect(HttpStatusCode.Unauthorized, Send(HttpMethod.Delete, "/api/patients/p2"));
    }

    /// <summary>Checks the status this call is meant to get, then the answer against the document; returns a JSON object body.</summary>
    private async Task<JsonObject?> Expect(HttpStatusCode status, Task<HttpResponseMessage> call)
    {
        using var response = await call;
        var request = response.RequestMessage!;
        Assert.True(status == response.StatusCode,
            $"{request.Method} {request.RequestUri!.PathAndQuery}: expected {(int)status}, got {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        await Contract.AssertConformsAsync(response);
        if (Contract.Find(request.Method.Method, request.RequestUri!.AbsolutePath) is { } operation)
            _seen.Add($"{operation.Operation["operationId"]} {(int)status}");
        var json = response.Content.Headers.ContentType?.MediaType == "application/json" ? await response.Content.ReadAsStringAsync() : null;
        return json is null ? null : JsonNode.Parse(json) as JsonObject;
    }

    private Task<HttpResponseMessage> Send(HttpMethod method, string path, HttpContent? content = null, string? clinic = null, string? admin = null, string? accept = null)
    {
        var request = new HttpRequestMessage(method, path) { Content = content };
        if (clinic is not null) request.Headers.Add("X-Api-Key", clinic);
        if (admin is not null) request.Headers.Add("X-Admin-Key", admin);
        if (accept is not null) request.Headers.Add("Accept", accept);
        return Host.Client.SendAsync(request);
    }

    private static HttpContent Json(object body) => JsonContent.Create(body);
    private static HttpContent Raw(string text, string mediaType = "application/json") => new StringContent(text, Encoding.UTF8, mediaType);
    private static HttpContent Form(params (string Name, string Value)[] fields) => new FormUrlEncodedContent(fields.Select(f => KeyValuePair.Create(f.Name, f.Value)));

    /// <summary>A well-formed JSON body one byte-ish over <paramref name="limit"/>.</summary>
    private static HttpContent TooLarge(int limit) => Raw($"{{\"name\": \"{new string('x', limit)}\"}}");
}

public sealed class ServerOpenApiConformanceTests(Azurite azurite) : OpenApiConformanceTests(azurite)
{
    protected override async Task<IApiHost> StartAsync(TestSettings settings, FakeTimeProvider time) => await ServerHost.StartAsync(settings, time);
}

public sealed class FunctionsOpenApiConformanceTests(Azurite azurite) : OpenApiConformanceTests(azurite)
{
    protected override async Task<IApiHost> StartAsync(TestSettings settings, FakeTimeProvider time) => await FunctionsHost.StartAsync(settings, time);
}
