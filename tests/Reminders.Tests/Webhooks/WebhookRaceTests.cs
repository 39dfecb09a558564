using System.Text.Json.Nodes;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Reminders.Plan;
using Reminders.Tests.Infrastructure;
using Reminders.Tests.Sweep;
using Reminders.Webhooks;
using static Reminders.Tests.Sweep.SweepTestBed;

namespace Reminders.Tests.Webhooks;

/// <summary>
/// The events a receiver gets when other writers race the sweep, read from the delivery rows the events became (what
/// the queue then sends): each interleaving is driven by a sender paused inside its send, never by sleeping.
/// </summary>
public sealed class WebhookRaceTests(Azurite azurite)
{
    // The bed has no queue consumer: the delivery rows are the events as published.
    private static readonly Dictionary<string, string?> NoConsumer = new() { ["Reminders:Webhooks:Consume"] = "false", ["Reminders:SendParallelism"] = "1" };

    private static async Task<List<JsonObject>> EventsAsync(SweepTestBed bed, string clinicId)
    {
        var events = new List<JsonObject>();
        await foreach (var row in bed.Tables.Webhooks.QueryAsync<TableEntity>(e => e.PartitionKey == clinicId))
            if (row.RowKey.StartsWith(WebhookEvent.IdPrefix, StringComparison.Ordinal))
                events.Add(JsonNode.Parse(row.GetString("Body"))!.AsObject());
        return events;
    }

    private static string Type(JsonObject e) => e["type"]!.GetValue<string>();
    private static string Reminder(JsonObject e) => e["data"]!["reminderId"]!.GetValue<string>();

    private static async Task SubscribeAsync(SweepTestBed bed, string clinicId) =>
        await bed.Services.GetRequiredService<WebhookSubscriptions>().SetUrlAsync(clinicId, "https://hooks.clinic.example/in", Ct);

    [Fact]
    public async Task A_session_redated_while_its_email_goes_out_still_tells_that_reminder_was_sent()
    {
        var paused = new PausedSend();
        await using var bed = Create(azurite, settings: NoConsumer, send: paused.Behaviour);
        var clinic = await bed.AddClinicAsync("c1");
        await SubscribeAsync(bed, "c1");
        var injection = bed.InjectionWithReminderDaysAgo(clinic, 0);
        var first = await bed.RegisterAsync(clinic, "p1", injection, sessionId: "s1");

        var sweep = bed.SweepAsync();
        await paused.Inside.Task; // the email has left; the clinic re-dates the session now
        var redated = await bed.RegisterAsync(clinic, "p1", injection.AddDays(30), sessionId: "s1");
        paused.Go.SetResult();
        await sweep;

        var events = await EventsAsync(bed, "c1");
        var sent = Assert.Single(events, e => Type(e) == WebhookEventTypes.ReminderSent);
        Assert.Equal(first.ReminderId.ToString(), Reminder(sent));
        Assert.NotEqual(first.ReminderId, redated.ReminderId);
        // Which session it was is kept for its delivery reports.
        Assert.True((await bed.Tables.Patients.GetEntityIfExistsAsync<SentReminderEntity>("c1", SentReminderEntity.RowFor(first.ReminderId), cancellationToken: Ct)).HasValue);
    }

    [Fact]
    public async Task A_cancel_during_the_send_tells_sent_once_and_never_skipped()
    {
        var paused = new PausedSend();
        await using var bed = Create(azurite, settings: NoConsumer, send: paused.Behaviour);
        var clinic = await bed.AddClinicAsync("c1");
        await SubscribeAsync(bed, "c1");
        var session = await bed.RegisterAsync(clinic, "p1", bed.InjectionWithReminderDaysAgo(clinic, 0), sessionId: "s1");

        var sweep = bed.SweepAsync();
        await paused.Inside.Task;
        Assert.True(await bed.Patients.CancelSessionAsync("c1", "p1", "s1", Ct));
        paused.Go.SetResult();
        await sweep;

        var events = await EventsAsync(bed, "c1");
        // The cancel wrote Skipped first, and the send's truth (Sent) replaced it: both changes happened, in that order.
        Assert.Equal([WebhookEventTypes.ReminderSkipped, WebhookEventTypes.ReminderSent],
            events.OrderBy(e => e["timestamp"]!.GetValue<DateTimeOffset>()).ThenBy(e => Type(e) == WebhookEventTypes.ReminderSent).Select(Type).ToArray());
        Assert.All(events, e => Assert.Equal(session.ReminderId.ToString(), Reminder(e)));
        Assert.Single(events, e => Type(e) == WebhookEventTypes.ReminderSent);
    }

    [Fact]
    public async Task Re_posting_another_past_date_tells_the_new_reminder_expired_too()
    {
        await using var bed = Create(azurite, settings: NoConsumer);
        var clinic = await bed.AddClinicAsync("c1");
        await SubscribeAsync(bed, "c1");

        var first = await bed.RegisterAsync(clinic, "p1", bed.InjectionWithReliefEndedDaysAgo(clinic, 20), sessionId: "s1");
        var second = await bed.RegisterAsync(clinic, "p1", bed.InjectionWithReliefEndedDaysAgo(clinic, 10), sessionId: "s1");
        await bed.RegisterAsync(clinic, "p1", bed.InjectionWithReliefEndedDaysAgo(clinic, 10), sessionId: "s1"); // unchanged: nothing to tell

        Assert.Equal((ReminderStatus.Expired, ReminderStatus.Expired), (first.Status, second.Status));
        var expired = (await EventsAsync(bed, "c1")).Where(e => Type(e) == WebhookEventTypes.ReminderExpired).Select(Reminder).Order().ToArray();
        Assert.Equal(new[] { first.ReminderId.ToString(), second.ReminderId.ToString() }.Order().ToArray(), expired);
    }

    [Fact]
    public async Task Erasing_the_patient_removes_their_events_and_sent_rows()
    {
        await using var bed = Create(azurite, settings: NoConsumer);
        var clinic = await bed.AddClinicAsync("c1");
        await SubscribeAsync(bed, "c1");
        var session = await bed.RegisterAsync(clinic, "p1", bed.InjectionWithReminderDaysAgo(clinic, 0), sessionId: "s1");
        await bed.RegisterAsync(clinic, "p2", bed.InjectionWithReliefEndedDaysAgo(clinic, 5), sessionId: "s1");
        await bed.SweepAsync();
        Assert.Contains(await EventsAsync(bed, "c1"), e => e["data"]!["patientId"]!.GetValue<string>() == "p1");

        Assert.True(await bed.Patients.EraseAsync("c1", "p1", Ct));

        var left = await EventsAsync(bed, "c1");
        Assert.DoesNotContain(left, e => e["data"]!["patientId"]!.GetValue<string>() == "p1");
        Assert.Contains(left, e => e["data"]!["patientId"]!.GetValue<string>() == "p2");
        Assert.False((await bed.Tables.Patients.GetEntityIfExistsAsync<SentReminderEntity>("c1", SentReminderEntity.RowFor(session.ReminderId), cancellationToken: Ct)).HasValue);
    }
}
