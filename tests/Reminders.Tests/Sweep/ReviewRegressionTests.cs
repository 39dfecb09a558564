using Reminders.Clinics;
using Reminders.Email;
using Reminders.Http;
using Reminders.Plan;
using Reminders.Tests.Infrastructure;
using static Reminders.Tests.Sweep.SweepTestBed;

namespace Reminders.Tests.Sweep;

/// <summary>Defects found in review, each pinned by the scenario that showed it.</summary>
public sealed class ReviewRegressionTests(Azurite azurite)
{
    [Fact]
    public async Task Cancelling_the_session_that_superseded_another_gives_the_older_one_its_reminder_back()
    {
        await using var bed = Create(azurite);
        var clinic = await bed.AddClinicAsync("c1");
        await bed.RegisterAsync(clinic, "p1", bed.InjectionWithReminderDaysAgo(clinic, 2), sessionId: "older");
        await bed.RegisterAsync(clinic, "p1", bed.InjectionWithReminderDaysAgo(clinic, 1), sessionId: "newer");
        await bed.Patients.CancelSessionAsync("c1", "p1", "newer", Ct); // cancelled before any sweep: nothing sent yet
        await bed.RegisterAsync(clinic, "p1", bed.InjectionWithReminderDaysAgo(clinic, 1), sessionId: "newer"); // revived
        AssertCounts(await bed.SweepAsync(), sent: 1, skipped: 1);
        Assert.Equal(SkipReason.Superseded, (await bed.SessionAsync("c1", "p1", "older")).Reason);

        await bed.Patients.CancelSessionAsync("c1", "p1", "newer", Ct); // the newer one was entered in error after all

        Assert.Equal(ReminderStatus.Pending, (await bed.SessionAsync("c1", "p1", "older")).Status);
        // The patient got the newer one's email today: the clinic's cap (one reminder a week) holds this one that long.
        AssertCounts(await bed.SweepAsync(), deferred: 1);
        bed.Time.Advance(TimeSpan.FromDays(clinic.FrequencyCapDays));
        AssertCounts(await bed.SweepAsync(), sent: 1);
        Assert.Equal(2, bed.Sends.Total);
    }

    [Fact]
    public async Task An_email_accepted_while_the_run_is_cancelled_is_still_recorded_and_not_sent_again()
    {
        using var stop = new CancellationTokenSource();
        await using var bed = Create(azurite, send: async call =>
        {
            var result = await call.SendForReal();
            await stop.CancelAsync(); // the admin's HTTP call went away, or the host is shutting down
            return result;
        });
        var clinic = await bed.AddClinicAsync("c1");
        await bed.RegisterAsync(clinic, "p1", bed.InjectionWithReminderDaysAgo(clinic, 1));

        try
        {
            await bed.Sweep.RunAsync(stop.Token);
        }
        catch (OperationCanceledException)
        {
            // The run may stop at its next step; what matters is what it recorded.
        }

        Assert.Equal(ReminderStatus.Sent, (await bed.SessionAsync("c1", "p1")).Status);
        Assert.Empty(await bed.DueRowsAsync());
        bed.Time.Advance(TimeSpan.FromMinutes(11));
        AssertCounts(await bed.SweepAsync());
        Assert.Equal(1, bed.Sends.Total);
    }

    [Theory]
    [InlineData("a.@example.com")]
    [InlineData(".a@example.com")]
    [InlineData("a..b@example.com")]
    public void Addresses_MIME_would_refuse_are_refused_at_the_door(string address) =>
        Assert.False(EmailAddresses.IsValid(address));

    [Theory]
    [InlineData("09:15", "09:45", false)]
    [InlineData("23:30", "00:15", false)]
    [InlineData("09:00", "10:00", true)]
    [InlineData("23:30", "00:30", true)]
    [InlineData("00:00", "24:00", true)]
    public void A_send_window_must_hold_at_least_one_hourly_run(string start, string end, bool valid)
    {
        var validation = new Validation();
        var request = new ClinicSettingsRequest("C", "Europe/Madrid", "https://c.example.com", null, null, null, start, end, null);

        Assert.Equal(valid, request.Validate("c1", validation) is not null);
    }

    [Fact]
    public void Urls_longer_than_a_table_property_can_hold_are_refused()
    {
        var validation = new Validation();
        var request = new ClinicSettingsRequest("C", "Europe/Madrid", "https://c.example.com/" + new string('a', 40_000), null, null, null, null, null, null);

        Assert.Null(request.Validate("c1", validation));
        Assert.False(validation.IsValid);
    }
}
