using Microsoft.Extensions.DependencyInjection;
using Reminders.Bookings;
using Reminders.Plan;
using Reminders.Tests.Infrastructure;
using Reminders.Tests.Sweep;
using static Reminders.Tests.Sweep.SweepTestBed;

namespace Reminders.Tests.Bookings;

/// <summary>
/// "Don't remind someone who already booked", on Azurite with a fake clock: a standing booking holds the reminder back
/// when it is due, a cancelled one lets it go out, a missed one (the date passed with no session) does not hold it,
/// and the session the clinic posts for the visit fulfils the booking.
/// </summary>
public sealed class BookingRuleTests(Azurite azurite)
{
    private static PatientBookings Bookings(SweepTestBed bed) => bed.Services.GetRequiredService<PatientBookings>();

    [Fact]
    public async Task A_patient_with_an_upcoming_booking_is_not_reminded_and_the_reason_says_when()
    {
        await using var bed = Create(azurite);
        var clinic = await bed.AddClinicAsync("c1");
        await bed.RegisterAsync(clinic, "p1", bed.InjectionWithReminderDaysAgo(clinic, 0), sessionId: "s1");
        var date = bed.Today(clinic).AddDays(10);
        Assert.Equal(PatientBookings.Outcome.Created, (await Bookings(bed).PutAsync("c1", "p1", "b1", date, null, Ct)).Outcome);

        AssertCounts(await bed.SweepAsync(), skipped: 1);

        var view = await bed.SessionAsync("c1", "p1");
        Assert.Equal((ReminderStatus.Skipped, SkipReason.AlreadyBooked), (view.Status, view.Reason));
        Assert.Contains($"{date:yyyy-MM-dd}", view.Detail);
        Assert.Equal(0, bed.Sends.Total);
    }

    [Fact]
    public async Task Cancelling_the_booking_plans_the_held_reminder_again_and_the_next_sweep_sends_it()
    {
        await using var bed = Create(azurite);
        var clinic = await bed.AddClinicAsync("c1");
        var session = await bed.RegisterAsync(clinic, "p1", bed.InjectionWithReminderDaysAgo(clinic, 0), sessionId: "s1");
        await Bookings(bed).PutAsync("c1", "p1", "b1", bed.Today(clinic).AddDays(3), null, Ct);
        AssertCounts(await bed.SweepAsync(), skipped: 1);

        Assert.True(await Bookings(bed).CancelAsync(clinic, "p1", "b1", Ct));
        Assert.Equal(ReminderStatus.Pending, (await bed.SessionAsync("c1", "p1")).Status);

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
    public async Task A_cancelled_booking_does_not_revive_a_reminder_whose_relief_has_ended()
    {
        await using var bed = Create(azurite);
        var clinic = await bed.AddClinicAsync("c1");
        await bed.RegisterAsync(clinic, "p1", bed.InjectionWithReminderDaysAgo(clinic, 0), sessionId: "s1");
        await Bookings(bed).PutAsync("c1", "p1", "b1", bed.Today(clinic).AddDays(60), null, Ct);
        AssertCounts(await bed.SweepAsync(), skipped: 1);

        bed.Time.Advance(TimeSpan.FromDays(clinic.RemindDaysBefore + ReminderSchedule.ExpiryGraceDays + 1)); // relief ended meanwhile, past the grace
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
