using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Reminders.Plan;
using Reminders.Tests.Infrastructure;
using static Reminders.Tests.Sweep.SweepTestBed;

namespace Reminders.Tests.Faults;

/// <summary>
/// Two Server processes on one store run four overlapping sweeps while the clinic's system re-posts, cancels,
/// revives, re-dates and erases the same patients over HTTP. No reminder id reaches the provider twice, and none is
/// lost: every session ends Sent, Skipped, Expired or Failed, or is still Pending with its due row.
/// </summary>
public sealed class OverlappingSweepsTests(Azurite azurite)
{
    private const int Patients = 200;

    [Fact]
    public async Task Four_overlapping_sweeps_on_two_processes_racing_reposts_cancels_and_erasures_send_nothing_twice_and_lose_nothing()
    {
        var random = new Random(4242);
        await using var bed = Create(azurite);
        var settings = bed.Settings.ToConfiguration();
        var folder = Directory.CreateTempSubdirectory("reminders-overlap-").FullName;
        var journals = new[] { Path.Combine(folder, "a.log"), Path.Combine(folder, "b.log") };
        await using var a = await FaultHostProcess.StartAsync(settings, TestClock.Start, 0, journals[0]);
        await using var b = await FaultHostProcess.StartAsync(settings, TestClock.Start, 0, journals[1]);

        var key = await CreateClinicAsync(a.Client);
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(TestClock.Start, TimeZoneInfo.FindSystemTimeZoneById(DefaultTimeZone)).DateTime);
        string Due(int daysAgo) => today.AddDays(-76 - daysAgo).ToString("yyyy-MM-dd");
        object Body(int i, string injection, string? email = null) => new { patientId = $"p{i:000}", email = email ?? $"p{i:000}@example.com", injectionDate = injection, sessionId = "s1" };
        for (var i = 0; i < Patients; i++)
        {
            var registered = await Send(a.Client, HttpMethod.Post, "/api/sessions", key, Body(i, Due(i % 3)));
            // A loaded machine may answer the overload 503: a client waits retry-after-ms and tries again, as this one does.
            for (var retry = 0; retry < 5 && registered.StatusCode == HttpStatusCode.ServiceUnavailable; retry++)
            {
                await Task.Delay(int.Parse(registered.Headers.GetValues("retry-after-ms").Single()));
                registered = await Send(a.Client, HttpMethod.Post, "/api/sessions", key, Body(i, Due(i % 3)));
            }
            Assert.True(registered.IsSuccessStatusCode, $"{(int)registered.StatusCode} registering p{i:000}");
        }

        // The clinic's writes, planned from a seed, on both processes' APIs while four sweeps run.
        var actions = Enumerable.Range(0, 160).Select(_ => (Patient: random.Next(Patients), Kind: random.Next(6), Host: random.Next(2))).ToList();
        var sweeps = new[] { a.SweepAsync(), b.SweepAsync(), a.SweepAsync(), b.SweepAsync() };
        var clinicWrites = Task.WhenAll(actions.Chunk(40).Select(async chunk =>
        {
            foreach (var (patient, kind, host) in chunk)
            {
                var client = host == 0 ? a.Client : b.Client;
                var path = $"/api/patients/p{patient:000}";
                var response = kind switch
                {
                    0 => await Send(client, HttpMethod.Post, "/api/sessions", key, Body(patient, Due(patient % 3))), // nightly re-sync
                    1 => await Send(client, HttpMethod.Delete, path + "/sessions/s1", key),                          // cancel
                    2 => await Send(client, HttpMethod.Delete, path, key),                                           // erase
                    3 => await Send(client, HttpMethod.Post, "/api/sessions", key, Body(patient, Due(patient % 3) )),   // revive / re-register
                    4 => await Send(client, HttpMethod.Post, "/api/sessions", key, Body(patient, today.AddDays(-40).ToString("yyyy-MM-dd"))), // re-date
                    _ => await Send(client, HttpMethod.Post, "/api/sessions", key, Body(patient, Due(patient % 3), $"new{patient}@example.com")), // new address
                };
                // 404 (already erased), 409 (kept changing) are answers, never a 5xx.
                Assert.True((int)response.StatusCode < 500, $"{response.StatusCode} for action {kind}");
            }
        }));
        await clinicWrites;
        foreach (var sweep in sweeps) Assert.Equal(HttpStatusCode.OK, (await sweep).StatusCode);

        // Then both processes settle whatever is still due.
        for (var round = 0; round < 2; round++)
            foreach (var host in new[] { a, b })
                Assert.Equal(HttpStatusCode.OK, (await host.SweepAsync()).StatusCode);

        // No reminder id reached the provider twice.
        var handed = journals.SelectMany(j => FaultJournal.Read(j, bed.Settings.TablePrefix + "Ledger").Handed).ToList();
        Assert.NotEmpty(handed);
        Assert.Empty(handed.GroupBy(id => id).Where(g => g.Count() > 1).Select(g => g.Key));

        // None lost: every session is decided, or pending with its due row.
        var dueRows = (await bed.DueRowsAsync()).ToDictionary(d => (d.PartitionKey, d.RowKey));
        var pending = 0;
        for (var i = 0; i < Patients; i++)
        {
            var record = await bed.Records.LoadAsync("c1", $"p{i:000}", Ct);
            Assert.Equal(record.Patient is null, record.Sessions.Count == 0); // never a session without its patient
            foreach (var session in record.Sessions)
            {
                if (session.Status != ReminderStatus.Pending) continue;
                pending++;
                Assert.True(dueRows.TryGetValue((session.DuePartition!, DueEntity.RowFor("c1", session.PatientId, session.SessionId)), out var due),
                    $"p{i:000} is pending without a due row");
                Assert.Equal(session.ReminderId, due!.ReminderId);
            }
            foreach (var sent in record.Sessions.Where(s => s.Status == ReminderStatus.Sent))
                Assert.Contains(sent.ReminderId, handed);
        }
        TestContext.Current.TestOutputHelper?.WriteLine($"{handed.Count} emails, {handed.Distinct().Count()} distinct reminder ids, {pending} still pending (re-dated) with due rows");
        Directory.Delete(folder, recursive: true);
    }

    private static async Task<string> CreateClinicAsync(HttpClient client)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, "/api/clinics/c1")
        {
            Content = JsonContent.Create(new
            {
                name = "Clinic c1", timeZone = DefaultTimeZone, bookingUrl = "https://c1.example.com/book", sendWindowStart = "00:00", sendWindowEnd = "24:00",
            }),
        };
        request.Headers.Add("X-Admin-Key", TestSettings.AdminKey);
        var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["apiKey"]!.GetValue<string>();
    }

    private static async Task<HttpResponseMessage> Send(HttpClient client, HttpMethod method, string path, string key, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null) request.Content = JsonContent.Create(body);
        request.Headers.Add("X-Api-Key", key);
        return await client.SendAsync(request);
    }
}
