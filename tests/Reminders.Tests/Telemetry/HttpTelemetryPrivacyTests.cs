using System.Diagnostics;
using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Reminders.Tests.Infrastructure;

namespace Reminders.Tests.Telemetry;

/// <summary>
/// A full run over real HTTP against the Server host with every signal captured in memory: no span, metric or log line
/// may carry a patient's id, first name or address, a session id or an unsubscribe token used in the run.
/// </summary>
public sealed class HttpTelemetryPrivacyTests(Azurite azurite)
{
    // Distinctive, so a hit is a leak and not a coincidence with another test's data.
    private static readonly (string Id, string Name, string Email)[] Patients =
    [
        ("pat-7Q2ZK", "Zebulonia", "zebulonia.quarrington@example.org"),
        ("pat-8R3WM", "Ximenarda", "ximenarda.vell@example.org"),
        ("pat-9S4XN", "Quillonetta", "quillonetta.brask@example.org"),
    ];
    private const string Clinic = "tel-http";
    private const string SessionId = "visit-K4QJW";

    [Fact]
    public async Task A_full_run_leaves_no_patient_data_in_spans_metrics_or_logs()
    {
        var capture = new TelemetryCapture();
        var settings = new TestSettings(azurite.ConnectionString) { Extra = TelemetryCapture.Enabled };
        string token;
        await using (var host = await ServerHost.StartAsync(settings, TestClock.New(), capture.Register))
        {
            token = await FullRunAsync(host);
            capture.Flush(host.Services);
        }

        var forbidden = Patients.SelectMany(p => new[] { p.Id, p.Name, p.Email }).Append(SessionId).Append(token).ToList();

        var spans = capture.Spans;
        var leaks = (
            from text in SpanTexts(spans).Concat(MetricTexts(capture)).Concat(LogTexts(capture))
            from secret in forbidden
            where text.Where.Contains(secret, StringComparison.OrdinalIgnoreCase) || text.What.Contains(secret, StringComparison.OrdinalIgnoreCase)
            select $"{secret} in {text.Where}: {text.What}").Distinct().ToList();
        Assert.True(leaks.Count == 0, "Personal data in telemetry:\n" + string.Join("\n", leaks.Take(20)));

        // And the exporters did capture this run, so finding nothing above means something.
        var patientRoute = spans.Where(s => (string?)s.GetTagItem("http.route") == "/api/patients/{patientId}").ToList();
        Assert.Contains(patientRoute, s => s.DisplayName == "GET /api/patients/{patientId}" && (string?)s.GetTagItem("url.path") == "/api/patients/{patientId}");
        Assert.Contains(spans, s => s.DisplayName == "POST /api/unsubscribe" && s.GetTagItem("url.query") is null);
        Assert.Contains(spans, s => s.Kind == ActivityKind.Server && (int?)s.GetTagItem("http.response.status_code") == 404 && s.GetTagItem("url.path") is null);
        Assert.Contains(spans, s => s.Kind == ActivityKind.Client && s.GetTagItem("url.full") is string url && url.StartsWith("http://127.0.0.1:", StringComparison.Ordinal));
        Assert.Contains(spans, s => s.OperationName == "reminders.settle" && (string?)s.GetTagItem(Reminders.Telemetry.RemindersTelemetry.Tags.ClinicId) == Clinic);
        Assert.True(capture.Sum("reminders.settled", (Reminders.Telemetry.RemindersTelemetry.Tags.Outcome, "Sent")) >= 2);
        Assert.NotEmpty(capture.Points("http.server.request.duration", ("http.route", "/api/patients/{patientId}")));
        Assert.Contains(capture.Logger.Logs, l => l.Message.StartsWith("Sweep ", StringComparison.Ordinal) && l.Message.Contains("sent 2", StringComparison.Ordinal));
        Assert.NotEmpty(capture.LogRecords);
    }

    /// <summary>Registration (single and batch), a read, a sweep, unsubscribe, cancel, erase, and a path no route knows. Returns the unsubscribe token.</summary>
    private static async Task<string> FullRunAsync(ServerHost host)
    {
        var apiKey = await host.CreateClinicAsync(Clinic);
        var (first, second, third) = (Patients[0], Patients[1], Patients[2]);
        await host.PostSessionOkAsync(apiKey, new { patientId = first.Id, email = first.Email, firstName = first.Name, injectionDate = host.DaysAgo(80), sessionId = SessionId });
        var batch = new
        {
            sessions = new object[]
            {
                new { patientId = second.Id, email = second.Email, firstName = second.Name, injectionDate = host.DaysAgo(80) },
                new { patientId = third.Id, email = third.Email, firstName = third.Name, injectionDate = host.DaysAgo(10), sessionId = SessionId },
                new { patientId = "pat-bad", email = "not an address" }, // a validation failure on the way
            },
        };
        Assert.Equal(HttpStatusCode.OK, (await host.SendAsync(HttpMethod.Post, "/api/sessions/batch", apiKey, batch)).StatusCode);
        Assert.NotNull(await host.GetPatientAsync(apiKey, first.Id));
        Assert.Null(await host.GetPatientAsync(apiKey, "pat-0NONE"));

        Assert.Equal(2, (await host.SweepAsync()).Count("sent"));

        var email = Outbox.Messages(host.Settings.OutboxPath).Single(m => m.To.Mailboxes.Single().Address == first.Email);
        var link = new Uri(email.Headers["List-Unsubscribe"]!.Trim('<', '>'));
        Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync(link.PathAndQuery)).StatusCode);
        var unsubscribe = await host.Client.PostAsync(link.PathAndQuery, new FormUrlEncodedContent([new("List-Unsubscribe", "One-Click")]));
        Assert.Equal(HttpStatusCode.OK, unsubscribe.StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await host.SendAsync(HttpMethod.Delete, $"/api/patients/{third.Id}/sessions/{SessionId}", apiKey)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await host.SendAsync(HttpMethod.Delete, $"/api/patients/{second.Id}", apiKey)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await host.SendAsync(HttpMethod.Get, $"/api/no-such-route/{first.Id}?email={first.Email}", apiKey)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync("/api/health/ready")).StatusCode);
        return System.Web.HttpUtility.ParseQueryString(link.Query)["token"]!;
    }

    private static IEnumerable<(string Where, string What)> SpanTexts(IEnumerable<Activity> spans)
    {
        foreach (var span in spans)
        {
            var where = $"span {span.DisplayName}";
            yield return (where, span.DisplayName);
            yield return (where, span.OperationName);
            yield return (where, span.StatusDescription ?? "");
            foreach (var (key, value) in span.TagObjects) yield return (where, $"{key}={value}");
            foreach (var (key, value) in span.Baggage) yield return (where, $"{key}={value}");
            foreach (var e in span.Events)
            {
                yield return (where + " event", e.Name);
                foreach (var (key, value) in e.Tags) yield return (where + " event", $"{key}={value}");
            }
            foreach (var link in span.Links)
                foreach (var (key, value) in link.Tags ?? []) yield return (where + " link", $"{key}={value}");
        }
    }

    private static IEnumerable<(string Where, string What)> MetricTexts(TelemetryCapture capture)
    {
        foreach (var (name, metric) in capture.Metrics)
        {
            yield return ("metric", name);
            foreach (var point in metric.MetricPoints)
                foreach (var tag in point.Tags)
                    yield return ($"metric {name}", $"{tag.Key}={tag.Value}");
        }
    }

    private static IEnumerable<(string Where, string What)> LogTexts(TelemetryCapture capture)
    {
        foreach (var log in capture.Logger.Logs)
        {
            var where = $"log {log.Category}";
            yield return (where, log.Message);
            foreach (var text in log.State.Concat(log.Scopes)) yield return (where, text);
            if (log.Exception is not null) yield return (where, log.Exception);
        }
        foreach (var record in capture.LogRecords)
        {
            var where = $"exported log {record.CategoryName}";
            yield return (where, record.FormattedMessage ?? "");
            yield return (where, record.Body ?? "");
            foreach (var (key, value) in record.Attributes ?? []) yield return (where, $"{key}={value}");
            if (record.Exception is not null) yield return (where, record.Exception.ToString());
        }
    }
}
