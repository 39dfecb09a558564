using Azure.Data.Tables;
using Reminders.Email;
using Reminders.Ledger;
using Reminders.Patients;
using Reminders.Plan;
using Reminders.Tests.Infrastructure;
using static Reminders.Tests.Sweep.SweepTestBed;

namespace Reminders.Tests.Sweep;

/// <summary>
/// The review's reproduced scenarios, each against the writer that raced the send: the interleaving is driven by a
/// hook that pauses the sender or a storage call at the exact point, never by sleeping.
/// </summary>
public sealed class DeliveryProofTests(Azurite azurite)
{
    private static readonly Dictionary<string, string?> OneAtATime = new() { ["Reminders:SendParallelism"] = "1" };

    [Fact]
    public async Task Cancel_during_a_send_keeps_the_record_of_the_send_and_a_repost_sends_nothing_again()
    {
        var paused = new PausedSend();
        await using var bed = Create(azurite, send: paused.Behaviour);
        var clinic = await bed.AddClinicAsync("c1");
        var session = await bed.RegisterAsync(clinic, "p1", bed.InjectionWithReminderDaysAgo(clinic, 0), sessionId: "s1");

        var sweep = bed.SweepAsync();
        await paused.Inside.Task; // the email has left; the outcome is not recorded yet
        Assert.True(await bed.Patients.CancelSessionAsync("c1", "p1", "s1", Ct));
        paused.Go.SetResult();
        AssertCounts(await sweep, sent: 1);

        var view = await bed.SessionAsync("c1", "p1");
        Assert.Equal((ReminderStatus.Sent, true), (view.Status, view.Cancelled)); // the truth: it went out
        Assert.Contains("before the clinic's cancellation", view.Detail);
        Assert.Equal(LedgerOutcome.Accepted, (await bed.Ledger.FindAsync(session.ReminderId, Ct))!.Outcome);

        // Posting it again (a revive) must not mail the same reminder twice.
        var revived = await bed.RegisterAsync(clinic, "p1", bed.InjectionWithReminderDaysAgo(clinic, 0), sessionId: "s1");
        AssertCounts(await bed.SweepAsync());
        Assert.Equal(1, bed.Sends.CallsFor(session.ReminderId));
        Assert.Equal(session.ReminderId, revived.ReminderId);
        Assert.Empty(await bed.DueRowsAsync());
    }

    [Fact]
    public async Task Redating_during_a_send_and_back_again_never_sends_the_same_reminder_twice()
    {
        var paused = new PausedSend();
        await using var bed = Create(azurite, send: paused.Behaviour);
        var clinic = await bed.AddClinicAsync("c1");
        var injection = bed.InjectionWithReminderDaysAgo(clinic, 0);
        var session = await bed.RegisterAsync(clinic, "p1", injection, sessionId: "s1");

        var sweep = bed.SweepAsync();
        await paused.Inside.Task;
        var redated = await bed.RegisterAsync(clinic, "p1", injection.AddDays(30), sessionId: "s1"); // rewrites the session mid-send
        paused.Go.SetResult();
        AssertCounts(await sweep, sent: 1);
        Assert.Equal((ReminderStatus.Pending, redated.ReminderId), ((await bed.SessionAsync("c1", "p1")).Status, (await bed.SessionAsync("c1", "p1")).ReminderId));

        // Back to the first date: that reminder went out, so it is skipped, not sent again.
        var back = await bed.RegisterAsync(clinic, "p1", injection, sessionId: "s1");
        Assert.Equal((session.ReminderId, ReminderStatus.Skipped, SkipReason.AlreadySent), (back.ReminderId, back.Status, back.Reason));
        AssertCounts(await bed.SweepAsync());
        Assert.Equal(1, bed.Sends.Total);
    }

    [Fact]
    public async Task Erasure_during_a_send_and_registering_the_patient_again_never_resends()
    {
        var paused = new PausedSend();
        await using var bed = Create(azurite, send: paused.Behaviour);
        var clinic = await bed.AddClinicAsync("c1");
        var injection = bed.InjectionWithReminderDaysAgo(clinic, 0);
        var session = await bed.RegisterAsync(clinic, "p1", injection, sessionId: "s1");

        var sweep = bed.SweepAsync();
        await paused.Inside.Task;
        Assert.True(await bed.Patients.EraseAsync("c1", "p1", Ct));
        paused.Go.SetResult();
        AssertCounts(await sweep, sent: 1);
        Assert.Null(await bed.Patients.FindAsync("c1", "p1", Ct)); // the outcome did not bring the patient back

        // The clinic's system posts the same session again: the ledger, which erasure keeps, stops a second email.
        var again = await bed.RegisterAsync(clinic, "p1", injection, sessionId: "s1");
        Assert.Equal(session.ReminderId, again.ReminderId);
        var next = await bed.SweepAsync();
        AssertCounts(next);
        Assert.Equal(1, next.Repaired);
        Assert.Equal(1, bed.Sends.Total);
        Assert.Equal(ReminderStatus.Sent, (await bed.SessionAsync("c1", "p1")).Status);
    }

    [Fact]
    public async Task A_repost_between_a_cancels_two_writes_keeps_the_revived_due_row()
    {
        // Reproduced on the previous design: the cancel deleted the due row unconditionally after the revive wrote it.
        var gate = new StorageGate();
        await using var bed = Create(azurite, gate: gate);
        var clinic = await bed.AddClinicAsync("c1");
        var injection = bed.InjectionWithReminderDaysAgo(clinic, 0);
        await bed.RegisterAsync(clinic, "p1", injection, sessionId: "s1");
        var dueDelete = gate.HoldFirst(c => c.Method == "DELETE" && c.Touches(bed.Settings.TablePrefix + "Due"));

        var cancel = bed.Patients.CancelSessionAsync("c1", "p1", "s1", Ct);
        await dueDelete.Reached; // the session says Cancelled; its due row is about to go
        var revived = await bed.RegisterAsync(clinic, "p1", injection, sessionId: "s1");
        dueDelete.Release();
        Assert.True(await cancel);

        Assert.Equal(ReminderStatus.Pending, revived.Status);
        Assert.Equal(revived.ReminderId, Assert.Single(await bed.DueRowsAsync()).ReminderId);
        AssertCounts(await bed.SweepAsync(), sent: 1);
    }

    [Fact]
    public async Task A_registration_during_an_erasure_is_kept_whole_never_a_pending_session_without_its_patient()
    {
        // Reproduced on the previous design: 201, then the erasure took the patient row, leaving a Pending session with no address for ever.
        var gate = new StorageGate();
        await using var bed = Create(azurite, gate: gate);
        var clinic = await bed.AddClinicAsync("c1");
        var injection = bed.InjectionWithReminderDaysAgo(clinic, 0);
        await bed.RegisterAsync(clinic, "p1", injection, sessionId: "s1");
        var registrationWrite = gate.HoldFirst(c => c.IsBatch && c.Body.Contains("p1|s2", StringComparison.Ordinal));

        var registration = bed.RegisterAsync(clinic, "p1", injection, sessionId: "s2");
        await registrationWrite.Reached; // read the patient, wrote its due row, about to write patient and session
        Assert.True(await bed.Patients.EraseAsync("c1", "p1", Ct));
        registrationWrite.Release();
        var registered = await registration; // its transaction fails on the erased patient row and starts over

        var patient = await bed.Patients.FindAsync("c1", "p1", Ct);
        Assert.NotNull(patient);
        Assert.Equal("p1@example.com", patient.Email);
        Assert.Equal(["s2"], patient.Sessions.Select(s => s.SessionId));
        Assert.Equal(registered.ReminderId, Assert.Single(await bed.DueRowsAsync(), d => d.SessionId == "s2").ReminderId);
        AssertCounts(await bed.SweepAsync(), sent: 1);
    }

    [Fact]
    public async Task A_registration_that_slips_in_during_an_erasure_is_erased_with_it()
    {
        var gate = new StorageGate();
        await using var bed = Create(azurite, gate: gate);
        var clinic = await bed.AddClinicAsync("c1");
        await bed.RegisterAsync(clinic, "p1", bed.InjectionWithReminderDaysAgo(clinic, 0), sessionId: "s1");
        var eraseWrite = gate.HoldFirst(c => c.IsBatch && c.Body.Contains("DELETE", StringComparison.Ordinal));

        var erase = bed.Patients.EraseAsync("c1", "p1", Ct);
        await eraseWrite.Reached; // erasure read the patient and is about to delete
        await bed.RegisterAsync(clinic, "p1", bed.InjectionWithReminderDaysAgo(clinic, 1), sessionId: "s2");
        eraseWrite.Release();
        Assert.True(await erase); // its first transaction failed on the changed patient row; the second takes everything

        Assert.Null(await bed.Patients.FindAsync("c1", "p1", Ct));
        Assert.Empty(await bed.DueRowsAsync());
        AssertCounts(await bed.SweepAsync());
        Assert.Equal(0, bed.Sends.Total);
    }

    [Fact]
    public async Task A_pending_reminder_whose_due_row_was_lost_is_found_by_the_next_reconcile_and_sent()
    {
        await using var bed = Create(azurite);
        var clinic = await bed.AddClinicAsync("c1");
        var session = await bed.RegisterAsync(clinic, "p1", bed.InjectionWithReminderDaysAgo(clinic, 0));
        var lost = Assert.Single(await bed.DueRowsAsync());
        await bed.Tables.Due.DeleteEntityAsync(lost.PartitionKey, lost.RowKey, Azure.ETag.All, Ct); // however it happened

        var first = await bed.SweepAsync();
        AssertCounts(first); // the day's reconcile runs after sending: it finds the reminder...
        AssertCounts(await bed.SweepAsync(), sent: 1); // ...and the next run sends it
        Assert.Equal(1, bed.Sends.CallsFor(session.ReminderId));

        // Once a day: a second sweep the same day does not walk the markers again.
        await bed.RegisterAsync(clinic, "p2", bed.InjectionWithReminderDaysAgo(clinic, 0));
        var again = Assert.Single(await bed.DueRowsAsync());
        await bed.Tables.Due.DeleteEntityAsync(again.PartitionKey, again.RowKey, Azure.ETag.All, Ct);
        AssertCounts(await bed.SweepAsync());
        AssertCounts(await bed.SweepAsync());
        bed.Time.Advance(TimeSpan.FromDays(1));
        AssertCounts(await bed.SweepAsync()); // the new day's reconcile recreates it
        AssertCounts(await bed.SweepAsync(), sent: 1);
    }

    [Fact]
    public async Task One_storage_error_in_settlement_does_not_end_the_sweep()
    {
        // Reproduced on the previous design: settlement ran outside any try/catch and ended the run for every clinic.
        var gate = new StorageGate();
        var checker = new SettlingSender();
        await using var bed = Create(azurite, gate: gate, send: checker.Behaviour, status: _ => new DeliveryStatus(DeliveryState.Succeeded));
        var clinic = await bed.AddClinicAsync("c1");
        await bed.RegisterAsync(clinic, "p1", bed.InjectionWithReminderDaysAgo(clinic, 0));
        AssertCounts(await bed.SweepAsync(), sent: 1);
        await bed.RegisterAsync(clinic, "p2", bed.InjectionWithReminderDaysAgo(clinic, 0));
        // Settlement's write (the session's final status with its marker removed) fails; the send's own write does not.
        gate.Fail(c => c.IsBatch && System.Text.RegularExpressions.Regex.IsMatch(c.Body, "DELETE [^\n]*" + System.Text.RegularExpressions.Regex.Escape(UnsettledMarker.Prefix)));

        var sweep = await bed.SweepAsync();

        AssertCounts(sweep, sent: 1);
        Assert.True(sweep.Errors >= 1);
    }

    [Fact]
    public async Task A_clinic_row_with_an_unreadable_time_zone_does_not_end_the_sweep()
    {
        await using var bed = Create(azurite);
        var clinic = await bed.AddClinicAsync("good");
        await bed.RegisterAsync(clinic, "p1", bed.InjectionWithReminderDaysAgo(clinic, 0));
        await bed.Tables.Clinics.UpsertEntityAsync(new TableEntity("clinic", "broken")
        {
            ["Name"] = "Broken", ["TimeZone"] = "Mars/Olympus_Mons", ["BookingUrl"] = "https://b.example.com", ["ReliefDays"] = 90,
            ["RemindDaysBefore"] = 14, ["SendWindowStartMinute"] = 0, ["SendWindowEndMinute"] = 1440, ["ApiKeyHash"] = "x",
        }, TableUpdateMode.Replace, Ct);

        var sweep = await bed.SweepAsync();

        AssertCounts(sweep, sent: 1);
        Assert.Equal(1, sweep.Errors);
    }

    [Fact]
    public async Task Two_clinics_sharing_a_quota_of_ten_with_twenty_due_each_get_five_and_five()
    {
        // Reproduced on the previous design: rows went in (date, clinic id) order, so "a-…" took the whole quota.
        await using var bed = Create(azurite, settings: new Dictionary<string, string?> { ["Email:MaxPerHour"] = "10" });
        foreach (var id in new[] { "a-clinic", "z-clinic" })
        {
            var clinic = await bed.AddClinicAsync(id);
            for (var i = 0; i < 20; i++)
                await bed.RegisterAsync(clinic, $"p{i:00}", bed.InjectionWithReminderDaysAgo(clinic, i % 3));
        }

        var sweep = await bed.SweepAsync();

        AssertCounts(sweep, sent: 10, deferred: 30);
        var perClinic = bed.Sends.Messages.GroupBy(m => m.From == "" ? "" : m.FromName).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(new Dictionary<string, int> { ["Clinic a-clinic"] = 5, ["Clinic z-clinic"] = 5 }, perClinic);
        // The quota is shared through storage: a second instance this hour gets nothing either.
        await using var twin = bed.Twin(new Dictionary<string, string?> { ["Email:MaxPerHour"] = "10" });
        AssertCounts(await twin.SweepAsync(), deferred: 30);
        Assert.Equal(10, bed.Sends.Total);
    }

    [Fact]
    public async Task Under_a_small_quota_the_clinic_whose_window_closes_first_is_served_first()
    {
        await using var bed = Create(azurite, settings: new Dictionary<string, string?> { ["Email:MaxPerHour"] = "3" });
        // Noon in Madrid: "a-late" closes at 20:00, "z-early" at 13:00.
        var late = await bed.AddClinicAsync("a-late");
        var early = await bed.AddClinicAsync("z-early", window: new Reminders.Clinics.SendWindow(8 * 60, 13 * 60));
        foreach (var clinic in new[] { late, early })
            for (var i = 0; i < 3; i++)
                await bed.RegisterAsync(clinic, $"p{i}", bed.InjectionWithReminderDaysAgo(clinic, 0));

        AssertCounts(await bed.SweepAsync(), sent: 3, deferred: 3);

        // Plan order z, a, z: the quota went to the first three (sent in parallel, so counted, not ordered).
        Assert.Equal(new Dictionary<string, int> { ["Clinic z-early"] = 2, ["Clinic a-late"] = 1 },
            bed.Sends.Messages.GroupBy(m => m.FromName).ToDictionary(g => g.Key, g => g.Count()));
    }

    [Fact]
    public async Task A_reminder_whose_outcome_stays_unclear_fails_after_the_attempt_cap_with_the_reason()
    {
        await using var bed = Create(azurite, settings: OneAtATime,
            send: _ => Task.FromResult(new EmailSendResult(EmailSendOutcome.Unknown, ErrorCode: "Timeout", Error: "No answer.")));
        var clinic = await bed.AddClinicAsync("c1");
        var session = await bed.RegisterAsync(clinic, "p1", bed.InjectionWithReminderDaysAgo(clinic, 0));

        AssertCounts(await bed.SweepAsync(), deferred: 1);
        Assert.Contains("unclear", (await bed.SessionAsync("c1", "p1")).Detail);
        AssertCounts(await bed.SweepAsync(), deferred: 1);
        AssertCounts(await bed.SweepAsync(), failed: 1);
        AssertCounts(await bed.SweepAsync());

        var failed = await bed.SessionAsync("c1", "p1");
        Assert.Equal((ReminderStatus.Failed, LedgerReason.DeliveryUnknown), (failed.Status, failed.Reason));
        var entry = (await bed.Ledger.FindAsync(session.ReminderId, Ct))!;
        Assert.Equal((3, 3, LedgerOutcome.Failed), (entry.Attempts, entry.UnclearAttempts, entry.Outcome));
        Assert.Equal(3, bed.Sends.Total);
    }

    [Fact]
    public async Task Throttling_that_certainly_sent_nothing_does_not_use_up_attempts()
    {
        var throttled = 5;
        await using var bed = Create(azurite, send: call => throttled-- > 0
            ? Task.FromResult(new EmailSendResult(EmailSendOutcome.Transient, ErrorCode: "Throttled"))
            : call.SendForReal());
        var clinic = await bed.AddClinicAsync("c1");
        await bed.RegisterAsync(clinic, "p1", bed.InjectionWithReminderDaysAgo(clinic, 0));

        for (var i = 0; i < 5; i++) AssertCounts(await bed.SweepAsync(), deferred: 1);
        AssertCounts(await bed.SweepAsync(), sent: 1);
    }

    /// <summary>Accepts like ACS (settled later) and reports every accepted message as delivered when asked.</summary>
    private sealed class SettlingSender
    {
        public SendBehaviour Behaviour => async call =>
        {
            var result = await call.SendForReal();
            return result with { AwaitsFinalStatus = true };
        };
    }

    [Fact]
    public async Task A_send_the_session_never_heard_of_is_recorded_even_after_the_clinics_settings_changed()
    {
        // Reproduced on the previous design: the re-planner left the reminder alone (the ledger had it), the sweep
        // re-planned instead of recording it, and so on every run: the session said Pending for ever.
        var gate = new StorageGate();
        SweepTestBed? bedRef = null;
        await using var bed = Create(azurite, gate: gate, send: async call =>
        {
            var result = await call.SendForReal();
            gate.FailFirst(c => c.IsBatch && c.Touches(bedRef!.Tables.Patients.Name)); // the write after the ledger's Accepted fails
            return result;
        });
        bedRef = bed;
        var clinic = await bed.AddClinicAsync("c1");
        var session = await bed.RegisterAsync(clinic, "p1", bed.InjectionWithReminderDaysAgo(clinic, 0), sessionId: "s1");
        await bed.SweepAsync();
        Assert.Equal(ReminderStatus.Pending, (await bed.SessionAsync("c1", "p1")).Status);

        await bed.Clinics.SaveAsync(clinic with { RemindDaysBefore = clinic.RemindDaysBefore - 1 }, Ct);
        bed.Time.Advance(TimeSpan.FromHours(1));
        await bed.SweepAsync();

        var view = await bed.SessionAsync("c1", "p1");
        Assert.Equal((ReminderStatus.Sent, session.ReminderId), (view.Status, view.ReminderId));
        Assert.Equal(1, bed.Sends.Total);
    }
}
