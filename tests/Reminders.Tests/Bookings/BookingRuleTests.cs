using Microsoft.Extensions.DependencyInjection;
using Reminders.Bookings;
using Reminders.Plan;
using Reminders.Tests.Infrastructure;
using Reminders.Tests.Sweep;
using static Reminders.Tests.Sweep.SweepTestBed;

namespace Reminders.Tests.Bookings;

/// <summary>
/// "Don't remind someone who already booked", on Azurite with a fake clock: a standing booking holds the reminder back
/// when it is due (Pending, AlreadyBooked), a cancelled one lets it go out, a missed one (the date passed with no
/// session) releases it, a cancel racing the sweep's hold loses nothing, and the session the clinic posts for the
/// visit fulfils the booking while one made at checkout for the next visit stands.
/// </summary>
public sealed class BookingRuleTests(Azurite azurite)
{
    private static PatientBookings Bookings(SweepTestBed bed) => bed.Services.GetRequiredService<PatientBookings>();

    [Fact]
    public async Task A_patient_with_an_upcoming_booking_is_held_not_reminded_and_the_reason_says_when()
    {
        await using var bed = Create(azurite);
        var clinic = await bed.AddClinicAsync("c1");
        await bed.RegisterAsync(clinic, "p1", bed.InjectionWithReminderDaysAgo(clinic, 0), sessionId: "s1");
        var date = bed.Today(clinic).AddDays(10);
        Assert.Equal(PatientBookings.Outcome.Created, (await Bookings(bed).PutAsync("c1", "p1", "b1", date, null, Ct)).Outcome);

        AssertCounts(await bed.SweepAsync(), deferred: 1);

        var view = await bed.SessionAsync("c1", "p1");
        Assert.Equal((ReminderStatus.Pending, SkipReason.AlreadyBooked), (view.Status, view.Reason));
        Assert.Contains($"{date:yyyy-MM-dd}", view.Detail);
        Assert.Single(await bed.DueRowsAsync()); // still due: looked at again by every sweep while the booking stands
        Assert.Equal(0, bed.Sends.Total);
    }

    [Fact]
    public async Task Cancelling_the_booking_clears_the_hold_and_the_next_sweep_sends_it()
    {
        await using var bed = Create(azurite);
        var clinic = await bed.AddClinicAsync("c1");
        var session = await bed.RegisterAsync(clinic, "p1", bed.InjectionWithReminderDaysAgo(clinic, 0), sessionId: "s1");
        await Bookings(bed).PutAsync("c1", "p1", "b1", bed.Today(clinic).AddDays(3), null, Ct);
        AssertCounts(await bed.SweepAsync(), deferred: 1);

        Assert.True(await Bookings(bed).CancelAsync(clinic, "p1", "b1", Ct));
        var view = await bed.SessionAsync("c1", "p1");
        Assert.Equal((ReminderStatus.Pending, null), (view.Status, view.Reason));
        Assert.Contains("booking that held it was cancelled", view.Detail);

        AssertCounts(await bed.SweepAsync(), sent: 1);
        Assert.Equal(1, bed.Sends.CallsFor(session.ReminderId));
        Assert.False(await Bookings(bed).CancelAsync(clinic, "p1", "b1", Ct)); // gone: cancelling again is a 404
    }

    [Fact]
    public async Task A_booking_whose_date_passed_without_a_visit_no_longer_holds_the_reminder()
    {
        await using var bed = Create(azurite);
        var clinic = await bed.AddClinicAsync("c1");
        // Due in 5 days; the booking is for the day after tomorrow, and the patient does not come.
        await bed.RegisterAsync(clinic, "p1", bed.InjectionWithReminderDaysAgo(clinic, -5), sessionId: "s1");
        await Bookings(bed).PutAsync("c1", "p1", "b1", bed.Today(clinic).AddDays(2), null, Ct);

        bed.Time.Advance(TimeSpan.FromDays(5));
        AssertCounts(await bed.SweepAsync(), sent: 1);
    }

    [Fact]
    public async Task A_missed_appointment_releases_a_reminder_that_was_already_held_for_it()
    {
        // Reproduced on the previous design: the sweep on the due date skipped it for good, and the missed visit left
        // the patient with no reminder at all.
        await using var bed = Create(azurite);
        var clinic = await bed.AddClinicAsync("c1");
        var session = await bed.RegisterAsync(clinic, "p1", bed.InjectionWithReminderDaysAgo(clinic, 0), sessionId: "s1");
        await Bookings(bed).PutAsync("c1", "p1", "b1", bed.Today(clinic).AddDays(2), null, Ct);
        AssertCounts(await bed.SweepAsync(), deferred: 1);
        bed.Time.Advance(TimeSpan.FromDays(1));
        AssertCounts(await bed.SweepAsync(), deferred: 1); // the booking is tomorrow: still held

        bed.Time.Advance(TimeSpan.FromDays(2)); // the booked day passed; no session was posted for it
        AssertCounts(await bed.SweepAsync(), sent: 1);
        Assert.Equal(1, bed.Sends.CallsFor(session.ReminderId));
        Assert.Equal(ReminderStatus.Sent, (await bed.SessionAsync("c1", "p1")).Status);
    }

    [Fact]
    public async Task A_booking_cancelled_while_the_sweep_writes_its_hold_never_loses_the_reminder()
    {
        var gate = new StorageGate();
        await using var bed = Create(azurite, gate: gate);
        var clinic = await bed.AddClinicAsync("c1");
        var session = await bed.RegisterAsync(clinic, "p1", bed.InjectionWithReminderDaysAgo(clinic, 0), sessionId: "s1");
        await Bookings(bed).PutAsync("c1", "p1", "b1", bed.Today(clinic).AddDays(3), null, Ct);
        // The sweep read the booking and is about to note the hold on the session.
        var holdWrite = gate.HoldFirst(c => c.Method != "GET" && c.Body.Contains(SkipReason.AlreadyBooked, StringComparison.Ordinal));

        var sweep = bed.SweepAsync();
        await holdWrite.Reached;
        Assert.True(await Bookings(bed).CancelAsync(clinic, "p1", "b1", Ct));
        holdWrite.Release();
        await sweep;

        Assert.Null((await bed.SessionAsync("c1", "p1")).Reason); // the stale hold note lost to the cancel
        AssertCounts(await bed.SweepAsync(), sent: 1);
        Assert.Equal(1, bed.Sends.CallsFor(session.ReminderId));
    }

    [Fact]
    public async Task A_hold_written_while_the_booking_is_being_cancelled_is_cleared_by_the_cancel()
    {
        var gate = new StorageGate();
        await using var bed = Create(azurite, gate: gate);
        var clinic = await bed.AddClinicAsync("c1");
        var session = await bed.RegisterAsync(clinic, "p1", bed.InjectionWithReminderDaysAgo(clinic, 0), sessionId: "s1");
        await Bookings(bed).PutAsync("c1", "p1", "b1", bed.Today(clinic).AddDays(3), null, Ct);
        // The cancel read the patient (no hold yet) and is about to write it without the booking.
        var cancelWrite = gate.HoldFirst(c => c.IsBatch && c.Touches(bed.Settings.TablePrefix + "Patients"));

        var cancel = Bookings(bed).CancelAsync(clinic, "p1", "b1", Ct);
        await cancelWrite.Reached;
        AssertCounts(await bed.SweepAsync(), deferred: 1); // still sees the booking: holds, and notes it
        cancelWrite.Release();
        Assert.True(await cancel); // its batch lost to the note, read again, and cleared it

        Assert.Null((await bed.SessionAsync("c1", "p1")).Reason);
        AssertCounts(await bed.SweepAsync(), sent: 1);
        Assert.Equal(1, bed.Sends.CallsFor(session.ReminderId));
    }

    [Fact]
    public async Task A_booking_made_at_checkout_for_the_next_visit_outlives_that_days_session()
    {
        // Reproduced on the previous design: the session synced that evening "fulfilled" the booking made that morning.
        await using var bed = Create(azurite);
        var clinic = await bed.AddClinicAsync("c1");
        var today = bed.Today(clinic);
        await bed.RegisterAsync(clinic, "p1", today.AddDays(-95), sessionId: "s1");
        await Bookings(bed).PutAsync("c1", "p1", "next", today.AddDays(90), null, Ct);

        await bed.RegisterAsync(clinic, "p1", today, sessionId: "s2");

        var booking = Assert.Single(Booking.Read((await bed.Records.LoadAsync("c1", "p1", Ct)).Patient!.Bookings));
        Assert.Equal("next", booking.BookingId);
    }

    [Fact]
    public async Task The_session_posted_for_the_visit_fulfils_the_booking_and_an_older_back_fill_does_not()
    {
        await using var bed = Create(azurite);
        var clinic = await bed.AddClinicAsync("c1");
        await bed.RegisterAsync(clinic, "p1", bed.InjectionWithReminderDaysAgo(clinic, 0), sessionId: "s1");
        await Bookings(bed).PutAsync("c1", "p1", "b1", bed.Today(clinic).AddDays(1), null, Ct);

        // A back-filled session from before the booking was made: the booking stands.
        await bed.RegisterAsync(clinic, "p1", bed.Today(clinic).AddDays(-200), sessionId: "old");
        Assert.Single(Booking.Read((await bed.Records.LoadAsync("c1", "p1", Ct)).Patient!.Bookings));

        bed.Time.Advance(TimeSpan.FromDays(1));
        await bed.RegisterAsync(clinic, "p1", bed.Today(clinic), sessionId: "visit");

        Assert.Empty(Booking.Read((await bed.Records.LoadAsync("c1", "p1", Ct)).Patient!.Bookings));
    }

    [Fact]
    public async Task A_reminder_held_until_its_relief_ended_is_Skipped_AlreadyBooked_and_a_later_cancel_does_not_revive_it()
    {
        await using var bed = Create(azurite);
        var clinic = await bed.AddClinicAsync("c1");
        await bed.RegisterAsync(clinic, "p1", bed.InjectionWithReminderDaysAgo(clinic, 0), sessionId: "s1");
        await Bookings(bed).PutAsync("c1", "p1", "b1", bed.Today(clinic).AddDays(60), null, Ct);
        AssertCounts(await bed.SweepAsync(), deferred: 1);

        bed.Time.Advance(TimeSpan.FromDays(clinic.RemindDaysBefore + ReminderSchedule.ExpiryGraceDays + 1)); // relief ended meanwhile, past the grace
        AssertCounts(await bed.SweepAsync(), skipped: 1);
        var view = await bed.SessionAsync("c1", "p1");
        Assert.Equal((ReminderStatus.Skipped, SkipReason.AlreadyBooked), (view.Status, view.Reason));
        Assert.Contains("relief ended", view.Detail);

        Assert.True(await Bookings(bed).CancelAsync(clinic, "p1", "b1", Ct));
        Assert.Equal(ReminderStatus.Expired, (await bed.SessionAsync("c1", "p1")).Status);
        AssertCounts(await bed.SweepAsync());
        Assert.Equal(0, bed.Sends.Total);
    }

    [Fact]
    public async Task Erasing_the_patient_removes_their_bookings_with_them()
    {
        await using var bed = Create(azurite);
        var clinic = await bed.AddClinicAsync("c1");
        await bed.RegisterAsync(clinic, "p1", bed.InjectionWithReminderDaysAgo(clinic, 0), sessionId: "s1");
        await Bookings(bed).PutAsync("c1", "p1", "b1", bed.Today(clinic).AddDays(3), null, Ct);

        Assert.True(await bed.Patients.EraseAsync("c1", "p1", Ct));

        Assert.Equal(PatientBookings.Outcome.NoPatient, (await Bookings(bed).PutAsync("c1", "p1", "b2", bed.Today(clinic).AddDays(3), null, Ct)).Outcome);
        Assert.Null((await bed.Records.LoadAsync("c1", "p1", Ct)).Patient);
    }
}
