using Reminders.Ledger;
using Reminders.Plan;
using Reminders.Tests.Email.Smtp;
using Reminders.Tests.Infrastructure;
using static Reminders.Tests.Sweep.SweepTestBed;

namespace Reminders.Tests.Sweep;

/// <summary>The SMTP sender, a real SMTP server and the sweep, when the server's reply to the message never arrives in time.</summary>
public sealed class SmtpUnclearOutcomeTests(Azurite azurite)
{
    private static Dictionary<string, string?> Smtp(int port) => new()
    {
        ["Email:Provider"] = "Smtp",
        ["Email:Smtp:Host"] = "127.0.0.1",
        ["Email:Smtp:Port"] = port.ToString(),
        ["Email:Smtp:Security"] = "None",
        ["Email:Smtp:Timeout"] = "00:00:01",
        ["Email:Smtp:UnclearRetryDelay"] = "01:00:00",
    };

    [Fact]
    public async Task An_smtp_reply_that_arrives_late_after_data_is_retried_once_with_the_same_message_id_then_failed_never_hourly()
    {
        // Reproduced on the previous design: the relay kept the message, the sender counted the timeout as
        // transient, and every hourly sweep delivered it again until the reminder expired.
        await using var server = await TestSmtpServer.StartAsync();
        server.ReplyDelay = TimeSpan.FromSeconds(3); // keeps the message, answers after the client has given up
        await using var bed = Create(azurite, settings: Smtp(server.Port), substituteSender: false);
        var clinic = await bed.AddClinicAsync("c1", window: new Reminders.Clinics.SendWindow(0, 24 * 60));
        var session = await bed.RegisterAsync(clinic, "p1", bed.InjectionWithReminderDaysAgo(clinic, 0));

        AssertCounts(await bed.SweepAsync(), deferred: 1);
        Assert.Equal(1, server.MessagesStored);
        var entry = (await bed.Ledger.FindAsync(session.ReminderId, Ct))!;
        Assert.Equal((LedgerOutcome.Unknown, 1), (entry.Outcome, entry.UnclearAttempts));

        // The next hourly sweeps within the delay do not touch it.
        bed.Time.Advance(TimeSpan.FromMinutes(30));
        AssertCounts(await bed.SweepAsync(), deferred: 1);
        Assert.Equal(1, server.MessagesStored);

        // After the delay: one retry with the same Message-ID; unclear again, so it fails for good.
        bed.Time.Advance(TimeSpan.FromMinutes(31));
        AssertCounts(await bed.SweepAsync(), failed: 1);
        Assert.Equal(2, server.MessagesStored);
        for (var hour = 0; hour < 3; hour++)
        {
            bed.Time.Advance(TimeSpan.FromHours(1));
            AssertCounts(await bed.SweepAsync());
        }
        Assert.Equal(2, server.MessagesStored);

        var messageIds = new[] { (await server.MessageAsync(0)).Message.MessageId!, (await server.MessageAsync(1)).Message.MessageId! };
        Assert.Equal([$"{session.ReminderId}@clinic.test", $"{session.ReminderId}@clinic.test"], messageIds);
        var failed = await bed.SessionAsync("c1", "p1");
        Assert.Equal((ReminderStatus.Failed, LedgerReason.DeliveryUnknown), (failed.Status, failed.Reason));
        Assert.Empty(await bed.DueRowsAsync());
    }

    [Fact]
    public async Task A_late_reply_whose_retry_goes_through_is_sent_once_more_with_the_same_message_id_and_recorded_sent()
    {
        await using var server = await TestSmtpServer.StartAsync();
        server.ReplyDelay = TimeSpan.FromSeconds(3);
        await using var bed = Create(azurite, settings: Smtp(server.Port), substituteSender: false);
        var clinic = await bed.AddClinicAsync("c1", window: new Reminders.Clinics.SendWindow(0, 24 * 60));
        var session = await bed.RegisterAsync(clinic, "p1", bed.InjectionWithReminderDaysAgo(clinic, 0));

        AssertCounts(await bed.SweepAsync(), deferred: 1);
        server.ReplyDelay = TimeSpan.Zero;
        bed.Time.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));
        AssertCounts(await bed.SweepAsync(), sent: 1);

        Assert.Equal(2, server.MessagesStored);
        Assert.Equal((await server.MessageAsync(0)).Message.MessageId, (await server.MessageAsync(1)).Message.MessageId);
        Assert.Equal(ReminderStatus.Sent, (await bed.SessionAsync("c1", "p1")).Status);
        Assert.Equal(LedgerOutcome.Accepted, (await bed.Ledger.FindAsync(session.ReminderId, Ct))!.Outcome);
    }
}
