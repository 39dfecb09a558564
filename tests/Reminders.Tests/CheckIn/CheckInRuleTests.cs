using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Reminders.CheckIn;
using Reminders.Clinics;
using Reminders.Email;
using Reminders.Plan;
using Reminders.Sessions;
using Reminders.Tests.Infrastructure;
using Reminders.Tests.Sweep;
using Reminders.Tests.Treatments;
using Reminders.Treatments;
using static Reminders.Tests.Sweep.SweepTestBed;

namespace Reminders.Tests.CheckIn;

/// <summary>
/// The relief check-in, on Azurite with a fake clock, through the links of the email the sweep sent: "not yet" plans
/// the next reminder for the chosen weeks (closed days and the cap respected, once however often it is tapped), "no
/// longer" ends the session's reminders until a new session, and an answer racing the send of that session's
/// next reminder loses nothing and sends nothing twice.
/// </summary>
public sealed class CheckInRuleTests(Azurite azurite)
{
    /// <summary>The token of the check-in links in an email, and the links carry nothing else but the answer.</summary>
    private static string TokenOf(EmailMessage email)
    {
        var match = Regex.Match(email.TextBody, @"/api/check-in\?token=([A-Za-z0-9_-]+)&answer=notYet");
        Assert.True(match.Success, email.TextBody);
        Assert.Contains($"/api/check-in?token={match.Groups[1].Value}&answer=noLonger", email.TextBody);
        return match.Groups[1].Value;
    }

    private static string Json(SessionView view) => System.Text.Json.JsonSerializer.Serialize(view);

    private static Task<string?> AnswerAsync(SweepTestBed bed, EmailMessage email, string answer, int? weeks = null) =>
        bed.Services.GetRequiredService<CheckInPages>().HandleAsync(TokenOf(email), answer, act: true, weeks ?? 2, Ct);

    [Fact]
    public async Task Not_yet_after_the_last_reminder_plans_one_more_for_the_chosen_weeks_and_tapping_again_changes_nothing()
    {
        await using var bed = Create(azurite);
        var clinic = await bed.AddClinicAsync("c1");
        var first = await bed.RegisterAsync(clinic, "p1", bed.InjectionWithReminderDaysAgo(clinic, 0), sessionId: "s1");
        AssertCounts(await bed.SweepAsync(), sent: 1);
        var email = bed.Sends.Messages[0];
        var today = bed.Today(clinic);

        var page = await AnswerAsync(bed, email, CheckInAnswer.NotYet, weeks: 4);
        var snoozed = await bed.SessionAsync("c1", "p1");
        var again = await AnswerAsync(bed, email, CheckInAnswer.NotYet, weeks: 4);

        Assert.NotNull(page);
        Assert.Equal(page, again);
        Assert.Equal((ReminderStatus.Pending, today.AddDays(28)), (snoozed.Status, snoozed.ReminderDate));
        Assert.NotEqual(first.ReminderId, snoozed.ReminderId);
        var answer = Assert.Single(snoozed.CheckIns);
        Assert.Equal((CheckInAnswer.NotYet, (int?)4, first.ReminderId), (answer.Answer, answer.Weeks, answer.ReminderId));
        Assert.Equal(today.DayNumber - first.InjectionDate.DayNumber, answer.DayOfRelief);
        Assert.Equal(snoozed.ReminderId, Assert.Single(await bed.DueRowsAsync()).ReminderId);
        Assert.Equal(Json(snoozed), Json(await bed.SessionAsync("c1", "p1"))); // the second tap wrote nothing

        bed.Time.Advance(TimeSpan.FromDays(27));
        AssertCounts(await bed.SweepAsync());
        bed.Time.Advance(TimeSpan.FromDays(1));
        AssertCounts(await bed.SweepAsync(), sent: 1);
        Assert.Equal(1, bed.Sends.CallsFor(snoozed.ReminderId));
        Assert.Equal(2, bed.Sends.Total);
    }

    [Fact]
    public async Task Not_yet_moves_the_waiting_follow_up_of_a_sequence_and_a_nightly_re_post_or_a_settings_change_keeps_the_chosen_date()
    {
        await using var bed = Create(azurite);
        var (clinic, injection) = await TestTreatments.FirstStepSentAsync(bed);
        var followUp = await bed.SessionAsync("c1", "p1");
        Assert.Equal(bed.Today(clinic).AddDays(21), followUp.ReminderDate);

        await AnswerAsync(bed, bed.Sends.Messages[0], CheckInAnswer.NotYet, weeks: 4);
        await TestTreatments.PostBotoxAsync(bed, clinic, injection);
        clinic = (await bed.Clinics.SaveAsync(clinic with { ReliefDays = 120, RemindDaysBefore = 10 }, Ct)).Clinic;

        var moved = await bed.SessionAsync("c1", "p1");
        Assert.Equal((ReminderStatus.Pending, 2, bed.Today(clinic).AddDays(28)), (moved.Status, moved.Step, moved.ReminderDate));
        bed.Time.Advance(TimeSpan.FromDays(21));
        AssertCounts(await bed.SweepAsync()); // not on the step's own day: the patient chose later
        bed.Time.Advance(TimeSpan.FromDays(7));
        AssertCounts(await bed.SweepAsync()); // planned under the old settings: re-planned first, and the chosen date stands
        Assert.Equal(moved.ReminderId, (await bed.SessionAsync("c1", "p1")).ReminderId);
        bed.Time.Advance(TimeSpan.FromHours(1));
        AssertCounts(await bed.SweepAsync(), sent: 1);
        Assert.Equal(1, bed.Sends.CallsFor(moved.ReminderId));
        Assert.Equal(ReminderStatus.Sent, (await bed.SessionAsync("c1", "p1")).Status);
    }

    [Fact]
    public async Task A_snooze_into_a_closed_day_under_the_cap_goes_out_on_the_first_open_day_the_cap_allows()
    {
        // Sent on a Sunday... no: sent today; "1 week" lands on a closed day, the previous open day is inside the cap's
        // 7 days, so the first day both allow is the next open day after the cap.
        await using var bed = Create(azurite);
        var clinic = await bed.AddClinicAsync("c1");
        var today = bed.Today(clinic);
        var closed = new ClosedDays(new HashSet<DayOfWeek> { today.AddDays(7).DayOfWeek }, new HashSet<DateOnly>());
        clinic = (await bed.Clinics.SaveAsync(clinic with { ClosedDays = closed }, Ct)).Clinic;
        await bed.RegisterAsync(clinic, "p1", bed.InjectionWithReminderDaysAgo(clinic, 0), sessionId: "s1");
        AssertCounts(await bed.SweepAsync(), sent: 1);

        await AnswerAsync(bed, bed.Sends.Messages[0], CheckInAnswer.NotYet, weeks: 1);
        var snoozed = await bed.SessionAsync("c1", "p1");
        Assert.Equal(today.AddDays(6), snoozed.ReminderDate); // the previous open day
        Assert.Contains("closed", snoozed.Detail);

        bed.Time.Advance(TimeSpan.FromDays(6));
        AssertCounts(await bed.SweepAsync(), deferred: 1); // the cap: one email per 7 days
        Assert.Equal(SkipReason.FrequencyCap, (await bed.SessionAsync("c1", "p1")).Reason);
        bed.Time.Advance(TimeSpan.FromDays(1));
        AssertCounts(await bed.SweepAsync(), deferred: 1); // the cap allows it, but the clinic is closed
        bed.Time.Advance(TimeSpan.FromDays(1));
        AssertCounts(await bed.SweepAsync(), sent: 1);
        Assert.Equal(2, bed.Sends.Total);
    }

    [Fact]
    public async Task No_longer_ends_the_sequence_a_re_post_does_not_revive_it_and_a_new_session_starts_afresh()
    {
        await using var bed = Create(azurite);
        var (clinic, injection) = await TestTreatments.FirstStepSentAsync(bed);

        await AnswerAsync(bed, bed.Sends.Messages[0], CheckInAnswer.NoLonger);
        var declined = await bed.SessionAsync("c1", "p1");
        Assert.Equal((ReminderStatus.Skipped, SkipReason.PatientDeclined, 2), (declined.Status, declined.Reason, declined.Step));
        Assert.Equal(CheckInAnswer.NoLonger, Assert.Single(declined.CheckIns).Answer);
        // A nightly re-post of the same session, then one that corrects its date: still declined.
        await TestTreatments.PostBotoxAsync(bed, clinic, injection);
        await TestTreatments.PostBotoxAsync(bed, clinic, injection.AddDays(1));
        bed.Time.Advance(TimeSpan.FromDays(22));
        await bed.SweepAsync();
        Assert.Equal(1, bed.Sends.Total);
        Assert.Equal(SkipReason.PatientDeclined, (await bed.SessionAsync("c1", "p1", "s1")).Reason);

        // The patient comes back: the new session's reminders run as usual.
        var next = await TestTreatments.PostBotoxAsync(bed, clinic, TestTreatments.InjectionDueToday(bed, clinic), sessionId: "s2");
        AssertCounts(await bed.SweepAsync(), sent: 1);
        Assert.Equal(1, bed.Sends.CallsFor(next.ReminderId));
    }

    [Fact]
    public async Task Not_yet_while_the_follow_up_is_being_sent_sends_that_one_once_and_keeps_the_chosen_reminder()
    {
        var paused = new PausedSend();
        await using var bed = Create(azurite, send: async call => call.Number == 2 ? await paused.Behaviour(call with { Number = 1 }) : await call.SendForReal());
        var clinic = await bed.AddClinicAsync("c1");
        await bed.Services.GetRequiredService<TreatmentCatalog>().SaveAsync("c1", TestTreatments.Botox with { ReminderSteps = [-14, -7] }, Ct);
        await TestTreatments.PostBotoxAsync(bed, clinic, TestTreatments.InjectionDueToday(bed, clinic));
        AssertCounts(await bed.SweepAsync(), sent: 1);
        var followUp = await bed.SessionAsync("c1", "p1");

        bed.Time.Advance(TimeSpan.FromDays(7));
        var sweep = bed.SweepAsync();
        await paused.Inside.Task; // the follow-up has left; its outcome is not recorded yet
        await AnswerAsync(bed, bed.Sends.Messages[0], CheckInAnswer.NotYet, weeks: 2);
        paused.Go.SetResult();
        await sweep;

        var view = await bed.SessionAsync("c1", "p1");
        Assert.Equal(1, bed.Sends.CallsFor(followUp.ReminderId));
        Assert.Equal((ReminderStatus.Pending, bed.Today(clinic).AddDays(14)), (view.Status, view.ReminderDate));
        bed.Time.Advance(TimeSpan.FromDays(14));
        AssertCounts(await bed.SweepAsync(), sent: 1);
        Assert.Equal(3, bed.Sends.Total);
        Assert.Equal(1, bed.Sends.CallsFor(view.ReminderId));
    }

    [Fact]
    public async Task An_altered_or_forged_token_changes_nothing()
    {
        await using var bed = Create(azurite);
        var clinic = await bed.AddClinicAsync("c1");
        await bed.RegisterAsync(clinic, "p1", bed.InjectionWithReminderDaysAgo(clinic, 0), sessionId: "s1");
        AssertCounts(await bed.SweepAsync(), sent: 1);
        var token = TokenOf(bed.Sends.Messages[0]);
        var before = await bed.SessionAsync("c1", "p1");
        var pages = bed.Services.GetRequiredService<CheckInPages>();

        var altered = token[..^2] + (token[^2] == 'A' ? "B" : "A") + token[^1];
        Assert.Null(await pages.HandleAsync(altered, CheckInAnswer.NoLonger, act: true, null, Ct));
        Assert.Null(await pages.HandleAsync("forged", CheckInAnswer.NoLonger, act: true, null, Ct));
        // The unsubscribe token of the same email is not a check-in token (another purpose).
        var unsubscribe = bed.Sends.Messages[0].Headers["List-Unsubscribe"].Split("token=")[1].TrimEnd('>');
        Assert.Null(await pages.HandleAsync(unsubscribe, CheckInAnswer.NoLonger, act: true, null, Ct));
        Assert.NotNull(await pages.HandleAsync(token, CheckInAnswer.NoLonger, act: false, null, Ct)); // the confirm page changes nothing either

        Assert.Equal(Json(before), Json(await bed.SessionAsync("c1", "p1")));
    }
}
