using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Reminders.Email;
using Reminders.Ledger;
using Reminders.Plan;
using Reminders.Tests.Infrastructure;
using Reminders.Tests.Sweep;
using Reminders.Unsubscribe;
using static Reminders.Tests.Sweep.SweepTestBed;

namespace Reminders.Tests.Sweep;

/// <summary>
/// Breaks a hostile second reader found in the first cut of the send ledger, each reproduced at its interleaving or
/// failure point and kept as a regression test: a provider switch, a ledger write that fails, a settings change during
/// a send, a live schema-1 claim, interrupted erasures, and one failing read that held back a clinic.
/// </summary>
public sealed class SecondReaderTests(Azurite azurite)
{
    private static readonly SenderTraits SmtpLike =
        new("Smtp", new SendLimits("smtp-review", 0, 0), CanConfirmEarlierAttempt: false, UnclearRetryDelay: TimeSpan.FromHours(1));

    private static readonly SenderTraits AcsLike =
        new("Acs", new SendLimits("acs-review", 0, 0), CanConfirmEarlierAttempt: true);

    /// <summary>Matches the first request only.</summary>
    private static Func<StorageGate.Call, bool> Once(Func<StorageGate.Call, bool> match)
    {
        var fired = 0;
        return c => match(c) && Interlocked.Exchange(ref fired, 1) == 0;
    }

    // ---- Guarantee 1 / 4 ----

    [Fact]
    public async Task Unclear_smtp_attempt_is_not_resent_blindly_after_the_provider_is_switched_to_acs()
    {
        // SMTP: the message went out, the reply was lost (Unknown). The ledger says "ask before sending again".
        await using var smtp = Create(azurite, traits: SmtpLike, send: async call =>
        {
            await call.SendForReal();
            return new EmailSendResult(EmailSendOutcome.Unknown, ErrorCode: "SmtpReplyLost");
        });
        var clinic = await smtp.AddClinicAsync("c1");
        var session = await smtp.RegisterAsync(clinic, "p1", smtp.InjectionWithReminderDaysAgo(clinic, 0));
        AssertCounts(await smtp.SweepAsync(), deferred: 1);
        Assert.Equal(LedgerOutcome.Unknown, (await smtp.Ledger.FindAsync(session.ReminderId, Ct))!.Outcome);

        // The operator switches Email:Provider to ACS. ACS is "asked" about an operation it never saw: a real ACS
        // answers 404 to GET /emails/operations/{reminderId}, so AcsEmailSender POSTs the email again.
        await using var acs = Create(azurite, time: smtp.Time, traits: AcsLike,
            settings: new Dictionary<string, string?> { ["Reminders:TablePrefix"] = smtp.Settings.TablePrefix },
            send: call => call.SendForReal()); // GET -> 404 -> POST -> 202
        acs.Time.Advance(TimeSpan.FromMinutes(5)); // well inside SMTP's one-hour unclear-retry delay
        await acs.SweepAsync();

        Assert.Equal(1, smtp.Sends.CallsFor(session.ReminderId) + acs.Sends.CallsFor(session.ReminderId));
    }

    [Fact]
    public async Task An_acceptance_whose_ledger_write_fails_is_never_handed_to_smtp_again()
    {
        var gate = new StorageGate();
        await using var bed = Create(azurite, gate: gate, traits: SmtpLike);
        var clinic = await bed.AddClinicAsync("c1");
        var session = await bed.RegisterAsync(clinic, "p1", bed.InjectionWithReminderDaysAgo(clinic, 0));
        // The claim is a POST (create-only); the provider's answer is a PUT with If-Match. Fail that one write.
        gate.Fail(Once(c => c.Method == "PUT" && c.Touches(bed.Settings.TablePrefix + "Ledger")));

        var first = await bed.SweepAsync(); // the SMTP server accepted the message; the first try to record it failed (one 503)
        Assert.Equal(1, bed.Sends.CallsFor(session.ReminderId));
        Assert.Equal(LedgerOutcome.Accepted, (await bed.Ledger.FindAsync(session.ReminderId, Ct))!.Outcome); // retried

        bed.Time.Advance(TimeSpan.FromMinutes(61)); // past the claim lease and the unclear-retry delay, same day
        await bed.SweepAsync();

        Assert.Equal(1, bed.Sends.CallsFor(session.ReminderId));
    }

    [Fact]
    public async Task An_acceptance_the_ledger_never_takes_is_kept_on_the_session_and_never_sent_again()
    {
        var gate = new StorageGate();
        await using var bed = Create(azurite, gate: gate, traits: SmtpLike);
        var clinic = await bed.AddClinicAsync("c1");
        var session = await bed.RegisterAsync(clinic, "p1", bed.InjectionWithReminderDaysAgo(clinic, 0));
        gate.Fail(c => c.Method == "PUT" && c.Touches(bed.Settings.TablePrefix + "Ledger")); // every answer write fails

        AssertCounts(await bed.SweepAsync(), sent: 1);
        Assert.Equal(ReminderStatus.Sent, (await bed.SessionAsync("c1", "p1")).Status); // the truth, kept where it could be
        Assert.Equal(LedgerOutcome.InFlight, (await bed.Ledger.FindAsync(session.ReminderId, Ct))!.Outcome);

        // Revived (cancel, post again) after the claim ran out: the session's memory of the id stops it.
        await bed.Patients.CancelSessionAsync("c1", "p1", session.SessionId, Ct);
        var again = await bed.RegisterAsync(clinic, "p1", bed.InjectionWithReminderDaysAgo(clinic, 0));
        bed.Time.Advance(TimeSpan.FromHours(2));
        await bed.SweepAsync();
        Assert.NotEqual(ReminderStatus.Pending, again.Status);
        Assert.Equal(1, bed.Sends.CallsFor(session.ReminderId));
    }

    // ---- Guarantee 5 (and the session-level "one email") ----

    [Fact]
    public async Task A_settings_change_during_a_send_does_not_produce_a_second_reminder_for_the_session()
    {
        var inside = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var bed = Create(azurite, send: async call =>
        {
            var result = await call.SendForReal();
            if (call.Number == 1)
            {
                inside.TrySetResult();
                await go.Task;
            }
            return result;
        });
        var clinic = await bed.AddClinicAsync("c1"); // relief 90, remind 14 days before
        var session = await bed.RegisterAsync(clinic, "p1", bed.InjectionWithReminderDaysAgo(clinic, 0));

        var sweep = bed.SweepAsync();
        await inside.Task; // the email has been handed over, not yet recorded
        var saved = await bed.Clinics.SaveAsync(clinic with { RemindDaysBefore = 20 }, Ct);
        var replanner = bed.Services.GetRequiredService<ReminderReplanner>();
        await replanner.ReplanClinicAsync(saved.Clinic, bed.Time.GetUtcNow().AddSeconds(20), Ct);
        go.SetResult();
        AssertCounts(await sweep, sent: 1);

        await bed.SweepAsync();
        var view = await bed.SessionAsync("c1", "p1");
        Assert.Equal(1, bed.Sends.Total); // fails: the re-planned reminder (a new id) is mailed too
        Assert.Equal(session.ReminderId, view.ReminderId);
    }

    // ---- Guarantee 6 ----

    [Fact]
    public async Task Erasure_removes_the_patient_id_from_the_opt_out_of_an_address_they_used_before()
    {
        await using var bed = Create(azurite);
        var clinic = await bed.AddClinicAsync("c1");
        await bed.RegisterAsync(clinic, "p1", bed.InjectionWithReminderDaysAgo(clinic, -30), email: "old@example.com");
        var hashes = bed.Services.GetRequiredService<AddressHashes>();
        var optOuts = bed.Services.GetRequiredService<OptOuts>();
        // The patient unsubscribes with the link of an email sent to their old address.
        await optOuts.SetAsync(new UnsubscribeTokens.Claims("c1", "p1", hashes.Keyed("c1", "old@example.com")), true, Ct);
        // The clinic's system then updates the patient's address.
        await bed.RegisterAsync(clinic, "p1", bed.InjectionWithReminderDaysAgo(clinic, -30), email: "new@example.com");

        Assert.True(await bed.Patients.EraseAsync("c1", "p1", Ct));

        var rows = new List<OptOutEntity>();
        await foreach (var row in bed.Tables.OptOuts.QueryAsync<OptOutEntity>(cancellationToken: Ct)) rows.Add(row);
        Assert.DoesNotContain(rows, r => r.PatientId == "p1");
    }

    [Fact]
    public async Task An_erasure_interrupted_after_its_deletes_still_removes_the_patient_id_when_retried()
    {
        var gate = new StorageGate();
        await using var bed = Create(azurite, gate: gate);
        var clinic = await bed.AddClinicAsync("c1");
        await bed.RegisterAsync(clinic, "p1", bed.InjectionWithReminderDaysAgo(clinic, -30));
        var hashes = bed.Services.GetRequiredService<AddressHashes>();
        await bed.Services.GetRequiredService<OptOuts>()
            .SetAsync(new UnsubscribeTokens.Claims("c1", "p1", hashes.Keyed("c1", "p1@example.com")), true, Ct);

        // One storage hiccup (or a crash) on the opt-out step, after the patient's rows are gone.
        gate.Fail(Once(c => c.Method == "GET" && c.Touches(bed.Settings.TablePrefix + "OptOuts")));
        await Assert.ThrowsAsync<Azure.RequestFailedException>(() => bed.Patients.EraseAsync("c1", "p1", Ct));
        await bed.Patients.EraseAsync("c1", "p1", Ct); // the clinic retries the DELETE: 404, nothing more is done

        var rows = new List<OptOutEntity>();
        await foreach (var row in bed.Tables.OptOuts.QueryAsync<OptOutEntity>(cancellationToken: Ct)) rows.Add(row);
        Assert.DoesNotContain(rows, r => r.PatientId == "p1");
    }

    [Fact]
    public async Task An_erasure_interrupted_after_its_deletes_leaves_no_due_row_naming_the_patient()
    {
        var gate = new StorageGate();
        await using var bed = Create(azurite, gate: gate);
        var clinic = await bed.AddClinicAsync("c1");
        await bed.RegisterAsync(clinic, "p1", bed.InjectionWithReminderDaysAgo(clinic, -30)); // due in 30 days

        gate.Fail(Once(c => c.Method == "DELETE" && c.Touches(bed.Settings.TablePrefix + "Due")));
        await Assert.ThrowsAsync<Azure.RequestFailedException>(() => bed.Patients.EraseAsync("c1", "p1", Ct));
        await bed.Patients.EraseAsync("c1", "p1", Ct);

        Assert.DoesNotContain(await bed.DueRowsAsync(), d => d.PatientId == "p1"); // stays until its date, 30 days on
    }

    // ---- Guarantee 3 ----

    [Fact]
    public async Task One_failed_opt_out_read_does_not_hold_back_every_reminder_of_the_clinic()
    {
        var gate = new StorageGate();
        await using var bed = Create(azurite, gate: gate);
        var clinic = await bed.AddClinicAsync("c1");
        for (var i = 1; i <= 3; i++) await bed.RegisterAsync(clinic, $"p{i}", bed.InjectionWithReminderDaysAgo(clinic, 0));
        // The sweep's per-clinic opt-out query (not the migration's full scan, which runs first).
        gate.Fail(Once(c => c.Method == "GET" && c.Touches(bed.Settings.TablePrefix + "OptOuts") && c.Url.Contains("PartitionKey eq 'c1'")));

        var result = await bed.SweepAsync();
        // Reminders in flight share the clinic's read; each reads once more after it failed, so the hiccup costs none.
        Assert.True(result.Sent == 3, $"one storage hiccup should cost no reminder; sent {result.Sent}, deferred {result.Deferred}, errors {result.Errors}");
    }

    [Fact]
    public async Task A_failed_due_index_read_still_lets_the_daily_reconcile_run()
    {
        var gate = new StorageGate();
        await using var bed = Create(azurite, gate: gate);
        var clinic = await bed.AddClinicAsync("c1");
        await bed.RegisterAsync(clinic, "p1", bed.InjectionWithReminderDaysAgo(clinic, 0));
        var lost = Assert.Single(await bed.DueRowsAsync());
        await bed.Tables.Due.DeleteEntityAsync(lost.PartitionKey, lost.RowKey, Azure.ETag.All, Ct);

        // The planner's read of older due partitions (not the migration's full scan, which runs first).
        gate.Fail(Once(c => c.Method == "GET" && c.Touches(bed.Settings.TablePrefix + "Due") && c.Url.Contains("PartitionKey lt")));
        try { await bed.SweepAsync(); } catch (Azure.RequestFailedException) { }

        Assert.Single(await bed.DueRowsAsync()); // the reconcile part would have recreated it
    }

    // ---- Migration (guarantee 1 across the schema-1 -> 2 upgrade) ----

    [Fact]
    public async Task A_reminder_a_schema_1_sweep_holds_a_live_claim_on_is_not_sent_again_by_the_first_schema_2_sweep()
    {
        await using var bed = Create(azurite);
        var clinic = await bed.AddClinicAsync("c1");
        var today = bed.Today(clinic);
        await bed.Tables.EnsureCreatedAsync(Ct);
        var id = ReminderIdentity.For("c1", "p1", "s1", today);
        await bed.Tables.Patients.UpsertEntityAsync(new TableEntity("c1", "p1|")
        {
            ["PatientId"] = "p1", ["Email"] = "p1@example.com", ["CreatedAt"] = DateTimeOffset.UtcNow, ["UpdatedAt"] = DateTimeOffset.UtcNow,
        }, TableUpdateMode.Replace, Ct);
        // Schema 1 claimed on the session row: an old instance is sending it right now (or died mid-send a minute ago).
        await bed.Tables.Patients.UpsertEntityAsync(new TableEntity("c1", "p1|s1")
        {
            ["PatientId"] = "p1", ["SessionId"] = "s1", ["InjectionDate"] = today.AddDays(-76).ToString("yyyy-MM-dd"), ["ReliefDays"] = 90,
            ["ReliefEndsOn"] = today.AddDays(14).ToString("yyyy-MM-dd"), ["ReminderDate"] = today.ToString("yyyy-MM-dd"), ["Cancelled"] = false,
            ["ReminderId"] = id, ["Status"] = "Pending", ["Attempts"] = 1,
            ["ClaimedBy"] = "old-run", ["ClaimedUntil"] = bed.Time.GetUtcNow().AddMinutes(9),
            ["CreatedAt"] = DateTimeOffset.UtcNow, ["UpdatedAt"] = DateTimeOffset.UtcNow,
        }, TableUpdateMode.Replace, Ct);
        await bed.Tables.Due.UpsertEntityAsync(new TableEntity(today.ToString("yyyy-MM-dd"), "c1|p1|s1")
        {
            ["ClinicId"] = "c1", ["PatientId"] = "p1", ["SessionId"] = "s1", ["ReminderId"] = id, ["CreatedAt"] = bed.Time.GetUtcNow().AddDays(-80),
        }, TableUpdateMode.Replace, Ct);

        await bed.SweepAsync(); // migrates, then sends
        await bed.SweepAsync();

        var calls = bed.Sends.Messages.Where(m => m.ReminderId == id).ToList();
        // The old claim is live: nothing may be sent before it ends; after it, only as an unclear attempt.
        Assert.All(calls, m => Assert.True(m.PreviousAttemptUnclear, "sent as a fresh first attempt while schema 1 held it"));
    }
}
