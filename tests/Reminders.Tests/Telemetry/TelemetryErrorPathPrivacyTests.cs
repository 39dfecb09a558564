using System.Diagnostics;
using System.Net;
using System.Text;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Reminders.Tests.Infrastructure;

namespace Reminders.Tests.Telemetry;

/// <summary>
/// The error paths with every signal captured: a storage failure (500) while a patient is read and registered, a 404
/// for a patient id in the path, 400s whose details quote what was sent, a forged unsubscribe token. No span, metric
/// or log line may carry the patient ids, address, first name or token involved.
/// </summary>
public sealed class TelemetryErrorPathPrivacyTests(Azurite azurite)
{
    private const string Known = "pat-ERR7QZ", Missing = "pat-NOPE9X", Failing = "pat-FAIL3W", BadId = "pat-BAD5V/x";
    private const string Email = "errpath.zorblat@example.org", BadEmail = "zorblat.quux@@example.org", FirstName = "Zorblatine";
    private const string Forged = "forgedTOKENzq7x9vvb3";

    [Fact]
    public async Task Error_paths_leave_no_patient_data_in_spans_metrics_or_logs()
    {
        var capture = new TelemetryCapture();
        var gate = new StorageGate();
        var settings = new TestSettings(azurite.ConnectionString) { Extra = TelemetryCapture.Enabled };
        await using (var host = await ServerHost.StartAsync(settings, TestClock.New(), services =>
        {
            capture.Register(services);
            gate.Install(services, settings.ConnectionString);
        }))
        {
            var apiKey = await host.CreateClinicAsync("tel-err");
            await host.PostSessionOkAsync(apiKey, new { patientId = Known, email = Email, firstName = FirstName, injectionDate = host.DaysAgo(80) });

            var missing = await host.SendAsync(HttpMethod.Get, $"/api/patients/{Missing}", apiKey);
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await host.SendAsync(HttpMethod.Delete, $"/api/patients/{Missing}/sessions/s-{Missing}", apiKey)).StatusCode);
            var bad = await host.PostSessionAsync(apiKey, new { patientId = BadId, email = BadEmail, firstName = FirstName + "\u0001", injectionDate = "2999-01-01" });
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            var unknownField = await host.SendAsync(HttpMethod.Post, "/api/sessions", apiKey, new Dictionary<string, string> { [Email] = FirstName, ["patientId"] = Known });
            Assert.Equal(HttpStatusCode.BadRequest, unknownField.StatusCode);
            Assert.Equal(HttpStatusCode.BadRequest, (await host.Client.GetAsync($"/api/unsubscribe?token={Forged}")).StatusCode);

            gate.Fail(c => c.Touches(settings.TablePrefix + "Patients"));
            Assert.Equal(HttpStatusCode.InternalServerError, (await host.SendAsync(HttpMethod.Get, $"/api/patients/{Known}", apiKey)).StatusCode);
            var failed = await host.PostSessionAsync(apiKey, new { patientId = Failing, email = Email, firstName = FirstName, injectionDate = host.DaysAgo(3) });
            Assert.True((int)failed.StatusCode >= 500, $"{(int)failed.StatusCode}");
            capture.Flush(host.Services);
        }

        string[] forbidden = [Known, Missing, Failing, "pat-BAD5V", Email, BadEmail, FirstName, Forged];
        var leaks = (
            from text in SpanTexts(capture.Spans).Concat(MetricTexts(capture)).Concat(LogTexts(capture))
            from secret in forbidden
            where text.Where.Contains(secret, StringComparison.OrdinalIgnoreCase) || text.What.Contains(secret, StringComparison.OrdinalIgnoreCase)
            select $"{secret} in {text.Where}: {text.What}").Distinct().ToList();
        Assert.True(leaks.Count == 0, "Personal data in telemetry:\n" + string.Join("\n", leaks.Take(20)));
        // The failures were observed, so finding nothing above means something.
        Assert.Contains(capture.Spans, s => s.Kind == ActivityKind.Server && (int?)s.GetTagItem("http.response.status_code") == 500);
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
            // Scopes are left out here: ASP.NET Core's request scope holds the path of every request, and the exporters
            // do not include scopes (TelemetryRegistration). A provider configured to show scopes shows the path of a
            // request that logged at Warning or above (an unhandled exception's 500), patient id included.
            foreach (var text in log.State) yield return (where, text);
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
