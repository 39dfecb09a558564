using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Reminders.Tests.Infrastructure;

namespace Reminders.Tests.Api;

/// <summary>The HTTP contract, run against both hosts (see the two subclasses at the end of the file).</summary>
public abstract class ApiContractTests(Azurite azurite) : HostedApiTests(azurite)
{
    [Fact]
    public async Task Creating_a_clinic_returns_its_key_once_and_updating_keeps_it()
    {
        var apiKey = await Host.CreateClinicAsync("north");

        var update = await Host.PutClinicAsync("north", new { name = "North Clinic", timeZone = "Europe/Madrid", bookingUrl = "https://north.example.com/book", reliefDays = 100 });
        Assert.Equal(HttpStatusCode.OK, update.StatusCode);
        var body = (await update.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Null(body["apiKey"]);
        Assert.Equal(100, body["reliefDays"]!.GetValue<int>());
        Assert.Equal("08:00", body["sendWindowStart"]!.GetValue<string>());

        // The original key still works after the update.
        var session = await Host.PostSessionOkAsync(apiKey, new { patientId = "p1", email = "ana@example.com", injectionDate = Host.DaysAgo(1) });
        Assert.Equal(Host.DaysAgo(1 - 100), session["reliefEndsOn"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_new_session_gets_a_pending_reminder_with_its_dates()
    {
        var apiKey = await Host.CreateClinicAsync("c1");

        var response = await Host.PostSessionAsync(apiKey, new { patientId = "p-1", email = "ana@example.com", firstName = "Ana", injectionDate = Host.DaysAgo(10) });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var session = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(Host.DaysAgo(10), session["sessionId"]!.GetValue<string>());
        Assert.Equal(Host.DaysAgo(10 - 90), session["reliefEndsOn"]!.GetValue<string>());
        Assert.Equal(Host.DaysAgo(10 - 90 + 14), session["reminderDate"]!.GetValue<string>());
        Assert.Equal("Pending", session["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Reposting_the_same_session_is_200_and_leaves_the_reminder_alone()
    {
        var apiKey = await Host.CreateClinicAsync("c1");
        var body = new { patientId = "p1", email = "ana@example.com", injectionDate = Host.DaysAgo(80), sessionId = "visit-7" };
        var first = await Host.PostSessionOkAsync(apiKey, body);
        Assert.Equal(1, (await Host.SweepAsync()).Count("sent"));

        var again = await Host.PostSessionAsync(apiKey, body);

        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var session = (await again.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("Sent", session["status"]!.GetValue<string>());
        Assert.Equal(first["reminderId"]!.GetValue<string>(), session["reminderId"]!.GetValue<string>());
        Assert.Equal(0, (await Host.SweepAsync()).Count("sent"));
    }

    [Fact]
    public async Task A_due_reminder_is_emailed_once_and_recorded_as_sent()
    {
        var apiKey = await Host.CreateClinicAsync("c1");
        await Host.PostSessionOkAsync(apiKey, new { patientId = "p1", email = "ana@example.com", firstName = "Ana", injectionDate = Host.DaysAgo(80) });

        var sweep = await Host.SweepAsync();
        var repeat = await Host.SweepAsync();

        Assert.Equal(1, sweep.Count("sent"));
        Assert.Equal(0, repeat.Count("sent"));
        var message = Assert.Single(Outbox.Messages(Host.Settings.OutboxPath));
        Assert.Equal("ana@example.com", message.To.Mailboxes.Single().Address);
        Assert.Equal("desk@c1.example.com", message.ReplyTo.Mailboxes.Single().Address);
        Assert.Contains("https://c1.example.com/book", message.HtmlBody);
        Assert.Contains("Ana", message.TextBody);
        Assert.Equal("auto-generated", message.Headers["Auto-Submitted"]);

        var patient = (await Host.GetPatientAsync(apiKey, "p1"))!;
        var session = patient["sessions"]![0]!;
        Assert.Equal("Sent", session["status"]!.GetValue<string>());
        Assert.Equal(message.MessageId, session["messageId"]!.GetValue<string>());
        Assert.NotNull(session["sentAt"]);
    }

    [Fact]
    public async Task Clinic_calls_without_a_valid_key_are_401()
    {
        await Host.CreateClinicAsync("c1");
        var body = new { patientId = "p1", email = "ana@example.com", injectionDate = Host.DaysAgo(1) };

        var missing = await Host.PostSessionAsync(null!, body);
        var wrong = await Host.PostSessionAsync("rk_not-a-key", body);
        var getWrong = await Host.SendAsync(HttpMethod.Get, "/api/patients/p1", "rk_nope");

        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, getWrong.StatusCode);
        Assert.Equal(401, (await wrong.ProblemAsync())["status"]!.GetValue<int>());
    }

    [Fact]
    public async Task Admin_calls_without_the_admin_key_are_401()
    {
        var noKey = await Host.PutClinicAsync("c1", new { name = "C", timeZone = "UTC", bookingUrl = "https://c.example.com" }, adminKey: null);
        var wrongKey = await Host.PutClinicAsync("c1", new { name = "C", timeZone = "UTC", bookingUrl = "https://c.example.com" }, adminKey: "guess");
        var sweep = await Host.SendAsync(HttpMethod.Post, "/api/sweeps", apiKey: null);

        Assert.Equal(HttpStatusCode.Unauthorized, noKey.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrongKey.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, sweep.StatusCode);
    }

    [Fact]
    public async Task A_clinic_sees_only_its_own_patients()
    {
        var keyA = await Host.CreateClinicAsync("clinic-a");
        var keyB = await Host.CreateClinicAsync("clinic-b");
        await Host.PostSessionOkAsync(keyA, new { patientId = "shared-id", email = "a@example.com", injectionDate = Host.DaysAgo(80) });

        Assert.Null(await Host.GetPatientAsync(keyB, "shared-id"));
        Assert.Equal(HttpStatusCode.NotFound, (await Host.SendAsync(HttpMethod.Delete, "/api/patients/shared-id", keyB)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Host.SendAsync(HttpMethod.Delete, $"/api/patients/shared-id/sessions/{Host.DaysAgo(80)}", keyB)).StatusCode);
        var planB = await Host.SendAsync(HttpMethod.Get, $"/api/reminders?from={Host.DaysAgo(30)}&to={Host.DaysAgo(-30)}", keyB);
        Assert.Empty(await planB.PlanPageAsync());

        // The same id in clinic B is a different patient, and A's is untouched.
        await Host.PostSessionOkAsync(keyB, new { patientId = "shared-id", email = "b@example.com", injectionDate = Host.DaysAgo(2) });
        Assert.Equal("a@example.com", (await Host.GetPatientAsync(keyA, "shared-id"))!["email"]!.GetValue<string>());
        Assert.Equal("b@example.com", (await Host.GetPatientAsync(keyB, "shared-id"))!["email"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_cancelled_session_gets_nothing_and_reposting_revives_it()
    {
        var apiKey = await Host.CreateClinicAsync("c1");
        var body = new { patientId = "p1", email = "ana@example.com", injectionDate = Host.DaysAgo(80), sessionId = "s1" };
        await Host.PostSessionOkAsync(apiKey, body);

        var cancel = await Host.SendAsync(HttpMethod.Delete, "/api/patients/p1/sessions/s1", apiKey);

        Assert.Equal(HttpStatusCode.NoContent, cancel.StatusCode);
        var patient = (await Host.GetPatientAsync(apiKey, "p1"))!;
        Assert.Equal("Skipped", patient.Status("s1"));
        Assert.Equal("Cancelled", patient["sessions"]![0]!["reason"]!.GetValue<string>());
        Assert.Equal(0, (await Host.SweepAsync()).Count("sent"));
        Assert.Empty(Outbox.Files(Host.Settings.OutboxPath));

        var revived = await Host.PostSessionOkAsync(apiKey, body);
        Assert.Equal("Pending", revived["status"]!.GetValue<string>());
        Assert.Equal(1, (await Host.SweepAsync()).Count("sent"));
    }

    [Fact]
    public async Task Cancelling_an_unknown_session_is_404()
    {
        var apiKey = await Host.CreateClinicAsync("c1");
        await Host.PostSessionOkAsync(apiKey, new { patientId = "p1", email = "ana@example.com", injectionDate = Host.DaysAgo(3) });

        Assert.Equal(HttpStatusCode.NotFound, (await Host.SendAsync(HttpMethod.Delete, "/api/patients/p1/sessions/nope", apiKey)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Host.SendAsync(HttpMethod.Delete, "/api/patients/ghost/sessions/nope", apiKey)).StatusCode);
    }

    [Fact]
    public async Task Erasing_a_patient_removes_everything_and_stops_their_reminders()
    {
        var apiKey = await Host.CreateClinicAsync("c1");
        await Host.PostSessionOkAsync(apiKey, new { patientId = "p1", email = "ana@example.com", injectionDate = Host.DaysAgo(80), sessionId = "s1" });
        await Host.PostSessionOkAsync(apiKey, new { patientId = "p1", email = "ana@example.com", injectionDate = Host.DaysAgo(40), sessionId = "s2" });
        await Host.PostSessionOkAsync(apiKey, new { patientId = "p10", email = "other@example.com", injectionDate = Host.DaysAgo(5) });

        var erase = await Host.SendAsync(HttpMethod.Delete, "/api/patients/p1", apiKey);

        Assert.Equal(HttpStatusCode.NoContent, erase.StatusCode);
        Assert.Null(await Host.GetPatientAsync(apiKey, "p1"));
        Assert.NotNull(await Host.GetPatientAsync(apiKey, "p10"));
        Assert.Equal(HttpStatusCode.NotFound, (await Host.SendAsync(HttpMethod.Delete, "/api/patients/p1", apiKey)).StatusCode);
        var plan = await Host.SendAsync(HttpMethod.Get, $"/api/reminders?from={Host.DaysAgo(91)}&to={Host.DaysAgo(0)}", apiKey);
        Assert.Empty(await plan.PlanPageAsync());
        var sweep = await Host.SweepAsync();
        Assert.Equal(0, sweep.Count("sent") + sweep.Count("skipped") + sweep.Count("deferred"));
        Assert.Empty(Outbox.Files(Host.Settings.OutboxPath));
    }

    [Fact]
    public async Task The_send_plan_pages_with_a_sealed_continuation_token()
    {
        var apiKey = await Host.CreateClinicAsync("c1");
        for (var i = 0; i < 7; i++)
            await Host.PostSessionOkAsync(apiKey, new { patientId = $"patient-{i}", email = $"p{i}@example.com", injectionDate = Host.DaysAgo(70) });
        var range = $"from={Host.DaysAgo(0)}&to={Host.DaysAgo(-30)}";

        var seen = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var url = $"/api/reminders?{range}&pageSize=3" + (token is null ? "" : $"&continuationToken={Uri.EscapeDataString(token)}");
            var response = await Host.SendAsync(HttpMethod.Get, url, apiKey);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var page = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
            var items = page["reminders"]!.AsArray();
            Assert.True(items.Count <= 3);
            seen.AddRange(items.Select(r => r!["patientId"]!.GetValue<string>()));
            token = page["continuationToken"]?.GetValue<string>();
            if (token is not null) Assert.DoesNotContain("patient-", token); // no patient id in a URL
            pages++;
        } while (token is not null && pages < 10);

        Assert.Equal(Enumerable.Range(0, 7).Select(i => $"patient-{i}"), seen.Order());
        Assert.InRange(pages, 3, 4);

        // A token is bound to its clinic and range, and cannot be altered.
        var first = (await (await Host.SendAsync(HttpMethod.Get, $"/api/reminders?{range}&pageSize=3", apiKey)).Content.ReadFromJsonAsync<JsonObject>())!;
        var firstToken = first["continuationToken"]!.GetValue<string>();
        var otherRange = await Host.SendAsync(HttpMethod.Get, $"/api/reminders?from={Host.DaysAgo(1)}&to={Host.DaysAgo(-30)}&continuationToken={firstToken}", apiKey);
        Assert.Equal(HttpStatusCode.BadRequest, otherRange.StatusCode);
        Assert.NotNull((await otherRange.ProblemAsync())["errors"]!["continuationToken"]);
        var altered = firstToken[..5] + (firstToken[5] == 'x' ? 'y' : 'x') + firstToken[6..];
        Assert.Equal(HttpStatusCode.BadRequest, (await Host.SendAsync(HttpMethod.Get, $"/api/reminders?{range}&continuationToken={altered}", apiKey)).StatusCode);
    }

    [Fact]
    public async Task A_501st_session_for_one_patient_is_422_naming_sessionId()
    {
        var apiKey = await Host.CreateClinicAsync("c1");
        var registration = Host.Services.GetRequiredService<Reminders.Sessions.SessionRegistration>();
        var clinic = (await Host.Services.GetRequiredService<Reminders.Clinics.ClinicDirectory>().FindAsync("c1", CancellationToken.None))!;
        var day = DateOnly.Parse(Host.DaysAgo(3000)); // long expired: no due rows, so seeding stays cheap
        for (var i = 0; i < Reminders.Patients.PatientRecords.MaxSessionsPerPatient; i++)
            await registration.RegisterAsync(clinic, new("p1", "ana@example.com", null, day, $"s{i:000}", null), CancellationToken.None);

        var response = await Host.PostSessionAsync(apiKey, new { patientId = "p1", email = "ana@example.com", injectionDate = Host.DaysAgo(1), sessionId = "one-more" });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("sessionId", (await response.ProblemAsync())["field"]!.GetValue<string>());
        // An existing one can still be re-posted, and the patient (501 rows and more) can still be erased.
        Assert.True((await Host.PostSessionAsync(apiKey, new { patientId = "p1", email = "ana@example.com", injectionDate = Host.DaysAgo(1), sessionId = "s000" })).IsSuccessStatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await Host.SendAsync(HttpMethod.Delete, "/api/patients/p1", apiKey)).StatusCode);
        Assert.Null(await Host.GetPatientAsync(apiKey, "p1"));
    }

    [Fact]
    public async Task The_send_plan_lists_this_clinics_reminders_in_the_range()
    {
        var apiKey = await Host.CreateClinicAsync("c1");
        await Host.PostSessionOkAsync(apiKey, new { patientId = "p1", email = "a@example.com", injectionDate = Host.DaysAgo(70) }); // due in 6 days
        await Host.PostSessionOkAsync(apiKey, new { patientId = "p2", email = "b@example.com", injectionDate = Host.DaysAgo(10) }); // due in 66 days

        var response = await Host.SendAsync(HttpMethod.Get, $"/api/reminders?from={Host.DaysAgo(0)}&to={Host.DaysAgo(-30)}", apiKey);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var plan = await response.PlanPageAsync();
        var only = Assert.Single(plan);
        Assert.Equal("p1", only!["patientId"]!.GetValue<string>());
        Assert.Equal(Host.DaysAgo(-6), only["reminderDate"]!.GetValue<string>());
    }

    [Fact]
    public async Task Health_answers_200_when_storage_answers()
    {
        var response = await Host.Client.GetAsync("/api/health");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}

public sealed class ServerApiContractTests(Azurite azurite) : ApiContractTests(azurite)
{
    protected override async Task<IApiHost> StartAsync(TestSettings settings, FakeTimeProvider time) => await ServerHost.StartAsync(settings, time);
}

public sealed class FunctionsApiContractTests(Azurite azurite) : ApiContractTests(azurite)
{
    protected override async Task<IApiHost> StartAsync(TestSettings settings, FakeTimeProvider time) => await FunctionsHost.StartAsync(settings, time);
}
