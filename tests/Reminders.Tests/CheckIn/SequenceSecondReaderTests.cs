using Microsoft.Extensions.DependencyInjection;
using Reminders.CheckIn;
using Reminders.Clinics;
using Reminders.Email;
using Reminders.Plan;
using Reminders.Tests.Infrastructure;
using Reminders.Tests.Sweep;
using Reminders.Tests.Treatments;
using Reminders.Treatments;
using System.Text.RegularExpressions;
using static Reminders.Tests.Sweep.SweepTestBed;

namespace Reminders.Tests.CheckIn;

/// <summary>
/// A second reader's attacks on sequences and check-ins, each reproduced on the first design: a settings re-plan racing
/// a step, an answer racing an unrecorded send, "not yet" after the last step, a re-post moving the chosen date, and a
/// provider's late failure of a step the session has moved past.
/// </summary>
public sealed class SequenceSecondReaderTests(Azurite azurite)
{
    private static string TokenOf(EmailMessage email) =>
        Regex.Match(email.TextBody, @"/api/check-in\?token=([A-Za-z0-9_-]+)&answer=notYet").Groups[1].Value;

    private static Task<string?> AnswerAsync(SweepTestBed bed, EmailMessage email, string answer, int weeks = 2) =>
        bed.Services.GetRequiredService<CheckInPages>().HandleAsync(TokenOf(email), answer, act: true, weeks, Ct);

    /// <summary>F1: "not yet" on the email of the last step wipes that step's Sent record from the session.</summary>
    [Fact]
    public async Task Not_yet_after_the_last_step_keeps_the_record_of_the_step_that_was_sent()
    {
        await using var bed = Create(azurite);
        var (clinic, _) = await TestTreatments.FirstStepSentAsync(bed);
        bed.Time.Advance(TimeSpan.FromDays(21));
        AssertCounts(await bed.SweepAsync(), sent: 1);
        var last = await bed.SessionAsync("c1", "p1");
        Assert.Equal((ReminderStatus.Sent, 2), (last.Status, last.Step));

        await AnswerAsync(bed, bed.Sends.Messages[1], CheckInAnswer.NotYet, weeks: 2);
        var after = await bed.SessionAsync("c1", "p1");

        // Step 2 was emailed: the session must still say so somewhere (earlierSteps, or the sent fields).
        Assert.True(after.EarlierSteps.Any(s => s.ReminderId == last.ReminderId && s.Status == ReminderStatus.Sent) || after.SentAt is not null,
            $"step 2 ({last.ReminderId}, sent {last.SentAt}) vanished: status {after.Status}, sentAt {after.SentAt}, earlierSteps {after.EarlierSteps.Count}");
    }

    /// <summary>F2: a re-post with another reliefDays moves the date the patient chose (here into the past: sent at once).</summary>
    [Fact]
    public async Task A_re_post_with_another_relief_keeps_the_date_the_patient_chose()
    {
        await using var bed = Create(azurite);
        var clinic = await bed.AddClinicAsync("c1");
        var injection = bed.InjectionWithReminderDaysAgo(clinic, 0);
        await bed.RegisterAsync(clinic, "p1", injection, sessionId: "s1", reliefDays: 90);
        AssertCounts(await bed.SweepAsync(), sent: 1);
        var today = bed.Today(clinic);

        await AnswerAsync(bed, bed.Sends.Messages[0], CheckInAnswer.NotYet, weeks: 4);
        Assert.Equal(today.AddDays(28), (await bed.SessionAsync("c1", "p1")).ReminderDate);

        await bed.RegisterAsync(clinic, "p1", injection, sessionId: "s1", reliefDays: 60); // the clinic's nightly sync, new relief
        var view = await bed.SessionAsync("c1", "p1");
        Assert.Equal(today.AddDays(28), view.ReminderDate); // on the first design: today-2, due at once
    }

    /// <summary>
    /// F3: a settings re-plan that passed its ledger check just before the sweep claimed step 1 (ReminderReplanner.ReplanAsync
    /// checks IsBeingSentAsync, then writes) lands while the email is going out; Apply's ReplannedFrom branch then
    /// records Skipped AlreadySent, and Advance (which needs Status Sent) never plans step 2: the follow-up is lost.
    /// The replanner's write is reproduced inside the send (what ReplanAsync does after its check).
    /// </summary>
    [Fact]
    public async Task A_settings_re_plan_racing_the_first_step_does_not_lose_the_follow_up()
    {
        SweepTestBed? bedRef = null;
        Clinic? clinicRef = null;
        await using var bed = Create(azurite, send: async call =>
        {
            if (call.Number == 1)
            {
                var b = bedRef!;
                var today = b.Today(clinicRef!);
                var closed = new ClosedDays(new HashSet<DayOfWeek> { today.DayOfWeek }, new HashSet<DateOnly>());
                var saved = (await b.Clinics.SaveAsync(clinicRef! with { ClosedDays = closed }, Ct)).Clinic;
                var record = await b.Records.LoadSessionAsync("c1", "p1", "s1", Ct);
                var session = record.Session("s1")!;
                Assert.True(ReminderPolicy.Replan(session, saved, today, b.Time.GetUtcNow()));
                if (session.IsPending) await b.DueIndex.PutAsync(session, Ct);
                Assert.True(await b.Records.TrySaveSessionAsync(session, Ct));
            }
            return await call.SendForReal();
        });
        bedRef = bed;
        var clinic = clinicRef = await bed.AddClinicAsync("c1");
        await bed.Services.GetRequiredService<TreatmentCatalog>().SaveAsync("c1", TestTreatments.Botox, Ct);
        await TestTreatments.PostBotoxAsync(bed, clinic, TestTreatments.InjectionDueToday(bed, clinic));
        AssertCounts(await bed.SweepAsync(), sent: 1);

        var view = await bed.SessionAsync("c1", "p1");
        Assert.Equal((2, ReminderStatus.Pending), (view.Step, view.Status)); // on the first design: step 1, Skipped AlreadySent, and no follow-up ever
        bed.Time.Advance(TimeSpan.FromDays(21));
        await bed.SweepAsync();
        Assert.Equal(2, bed.Sends.Total);
    }

    /// <summary>F4: ACS settles step 1 as Failed after the sequence moved to step 2: the failure is dropped with the marker.</summary>
    [Fact]
    public async Task A_failed_delivery_of_a_step_that_is_no_longer_current_is_recorded()
    {
        await using var bed = Create(azurite, send: async call => await call.SendForReal() with { AwaitsFinalStatus = true },
            status: _ => new DeliveryStatus(DeliveryState.Failed, "Failed", "Mailbox unavailable"));
        await TestTreatments.FirstStepSentAsync(bed);
        bed.Time.Advance(TimeSpan.FromHours(1));
        var settled = await bed.SweepAsync();

        var view = await bed.SessionAsync("c1", "p1");
        var step1 = Assert.Single(view.EarlierSteps);
        Assert.True(settled.Failed == 1 || step1.Status == ReminderStatus.Failed,
            $"step 1's provider failure was dropped: sweep failed={settled.Failed}, step 1 still {step1.Status}");
    }

    /// <summary>
    /// F5: the patient answers "not yet" from the email before the send is recorded on the session (the session write
    /// failed after the ledger's Accepted; repaired "by the next sweep"). The answer re-dates the session, the next sweep
    /// finds the old due row stale, and the session never records that email: no sentAt, no LastReminderSentAt for the cap.
    /// </summary>
    [Fact]
    public async Task An_answer_arriving_before_the_send_is_recorded_still_leaves_the_send_on_the_session()
    {
        var gate = new StorageGate();
        SweepTestBed? bedRef = null;
        await using var bed = Create(azurite, gate: gate, send: async call =>
        {
            var result = await call.SendForReal();
            if (call.Number == 1) // the session write after the ledger's Accepted fails (storage 503 / process killed)
                gate.FailFirst(c => c.IsBatch && c.Touches(bedRef!.Tables.Patients.Name));
            return result;
        });
        bedRef = bed;
        var clinic = await bed.AddClinicAsync("c1");
        var first = await bed.RegisterAsync(clinic, "p1", bed.InjectionWithReminderDaysAgo(clinic, 0), sessionId: "s1");
        await bed.SweepAsync();
        Assert.Equal(1, bed.Sends.Total);
        Assert.Equal(ReminderStatus.Pending, (await bed.SessionAsync("c1", "p1")).Status); // the send is only in the ledger

        await AnswerAsync(bed, bed.Sends.Messages[0], CheckInAnswer.NotYet, weeks: 1);
        bed.Time.Advance(TimeSpan.FromHours(1));
        await bed.SweepAsync();
        bed.Time.Advance(TimeSpan.FromHours(1));
        await bed.SweepAsync();

        var patient = await bed.Patients.FindAsync("c1", "p1", Ct);
        var record = await bed.Records.LoadSessionAsync("c1", "p1", "s1", Ct);
        Assert.True(record.Session("s1")!.WasSent(first.ReminderId), "the email that went out is not on the session");
        Assert.NotNull(record.Patient!.LastReminderSentAt); // the cap never counts it
    }
}
