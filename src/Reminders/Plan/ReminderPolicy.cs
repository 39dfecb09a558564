using Reminders.Clinics;
using Reminders.Patients;

namespace Reminders.Plan;

/// <summary>The reminder rules, in one place: when a reminder starts, and what happens to it when it is due.</summary>
internal static class ReminderPolicy
{
    /// <summary>
    /// Gives the session a new reminder for its current dates: Pending, or Expired if it is already too late.
    /// Dates corrected and then changed back lead to an identity that was already sent: it is not sent twice,
    /// unless <paramref name="resendSent"/> (the address changed, so the earlier email never reached this one).
    /// </summary>
    public static void StartFresh(SessionEntity session, string clinicId, DateOnly today, DateTimeOffset now, bool resendSent = false)
    {
        var schedule = session.Schedule;
        if (resendSent) session.ReminderGeneration++;
        session.ReminderId = ReminderIdentity.For(clinicId, session.PatientId, session.SessionId, schedule.ReminderDate, session.ReminderGeneration);
        session.SentAt = null;
        session.MessageId = null;
        session.ProviderStatus = null;
        session.ReplannedFrom = null;
        if (!resendSent && session.WasSent(session.ReminderId))
            session.Decide(ReminderStatus.Skipped, SkipReason.AlreadySent, "This reminder was already sent when the session last had these dates.", now);
        else if (schedule.IsExpiredOn(today))
            session.Decide(ReminderStatus.Expired, "ReliefEnded", schedule.ExpiredDetail(), now);
        else
            session.Decide(ReminderStatus.Pending, null, $"Due on {schedule.ReminderDate:yyyy-MM-dd}{Shift(session)}.", now);
    }

    /// <summary>
    /// Sets the session's dates from its injection date and the given relief and lead time, the reminder moved to the
    /// previous open day when the clinic is closed on it (and the session remembers the lead time it was planned with).
    /// </summary>
    public static void SetDates(SessionEntity session, int reliefDays, int remindDaysBefore, ClosedDays? closed = null, DateOnly? earliest = null)
    {
        var schedule = ReminderSchedule.For(session.InjectionDay, reliefDays, remindDaysBefore, closed, earliest);
        var due = schedule.ReliefEndsOn.AddDays(-remindDaysBefore);
        session.ReliefDays = reliefDays;
        session.ReliefEndsOn = schedule.ReliefEndsOn.ToString("yyyy-MM-dd");
        session.ReminderDate = schedule.ReminderDate.ToString("yyyy-MM-dd");
        session.RemindDaysBefore = remindDaysBefore;
        session.ShiftedFrom = schedule.ReminderDate == due ? null : due.ToString("yyyy-MM-dd");
        session.ShiftReason = schedule.ReminderDate == due ? null : closed!.Why(due);
    }

    /// <summary>", moved from {date}: {why}" when closed days moved the reminder; else empty.</summary>
    public static string Shift(SessionEntity session) => session.ShiftedFrom is null ? "" : $", moved from {session.ShiftedFrom}: {session.ShiftReason}";

    /// <summary>The lead time this session's reminder was planned with.</summary>
    public static int RemindDaysBefore(SessionEntity session) =>
        session.RemindDaysBefore ?? session.Schedule.ReliefEndsOn.DayNumber - session.Schedule.ReminderDate.DayNumber;

    /// <summary>
    /// Re-plans a pending reminder under the clinic's current settings (a settings change): the session's own
    /// reliefDays stays if the clinic system set it. False when nothing needed to change but the version.
    /// </summary>
    public static bool Replan(SessionEntity session, Clinic clinic, DateOnly today, DateTimeOffset now)
    {
        session.PlanVersion = clinic.PlanVersion;
        // A date the patient chose ("not yet, remind me in 2 weeks") is theirs: settings do not move it.
        if (session.SnoozedOn is not null) return false;
        // The clinic's reliefDays moves only reminders planned with it: not a session's own, a treatment's or the patient's history.
        var ownRelief = session.ReliefDaysExplicit || session.ReliefSource is Treatments.ReliefEstimate.FromPatientHistory or Treatments.ReliefEstimate.FromTreatment;
        var reliefDays = ownRelief ? session.ReliefDays : clinic.ReliefDays;
        // A treatment's sequence sets its own lead times; the clinic's applies to sessions without one.
        var lead = ReminderSteps.Lead(session) ?? clinic.RemindDaysBefore;
        var schedule = ReminderSchedule.For(session.InjectionDay, reliefDays, lead, clinic.ClosedDays);
        if (schedule == session.Schedule && reliefDays == session.ReliefDays) return false;
        var replaced = session.ReminderId;
        SetDates(session, reliefDays, lead, clinic.ClosedDays);
        StartFresh(session, clinic.Id, today, now);
        if (session.ReminderId != replaced) session.ReplannedFrom = replaced;
        if (session.IsPending)
            session.Detail = $"Due on {schedule.ReminderDate:yyyy-MM-dd}{Shift(session)}, re-planned after the clinic's settings changed.";
        return true;
    }

    /// <summary>What to do with a pending reminder that is due today, checked again at send time.</summary>
    public static Decision Evaluate(PatientRecord record, SessionEntity session, DateOnly today, bool optedOut, bool bounced = false, Clinic? clinic = null)
    {
        if (record.Patient is null)
            return Decision.Drop; // rows from before patient and sessions were written together: send nothing
        if (session.Cancelled)
            return Decision.Skip(SkipReason.Cancelled, "The clinic cancelled this session.");
        if (optedOut)
            return Decision.Skip(SkipReason.OptedOut, "The patient unsubscribed from this clinic's reminders.");
        if (CheckIn.CheckInAnswer.Declined(session.CheckIns) is { } declined)
            return Decision.Skip(SkipReason.PatientDeclined,
                $"The patient answered \"I no longer need this\" on {declined.At:yyyy-MM-dd}; no more reminders until the clinic posts a new session.");
        if (bounced)
            return Decision.Skip(SkipReason.Bounced, "Email to the patient's address bounced or is suppressed by the email provider; the clinic can lift this once the address is checked, or register a new address.");

        var newer = record.Summaries
            .Where(s => !s.Cancelled && s.SessionId != session.SessionId && SameTreatment(s.TreatmentId, session.TreatmentId) && IsLater(s, session))
            .OrderByDescending(s => s.InjectionDay)
            .FirstOrDefault();
        if (newer is not null)
            return Decision.Skip(SkipReason.Superseded, $"A later session ({newer.SessionId}, {newer.InjectionDay:yyyy-MM-dd}) was registered: the patient already rebooked.");

        // A booking holds the reminder, it does not end it: if the booking is cancelled, or its day passes without a
        // session posted for the visit, the reminder goes out (while relief lasts).
        var booking = Bookings.Booking.Upcoming(Bookings.Booking.Read(record.Patient.Bookings), today, session.TreatmentId);
        if (session.Schedule.IsExpiredOn(today))
            return booking is null
                ? Decision.Expire(session.Schedule.ExpiredDetail())
                : Decision.Skip(SkipReason.AlreadyBooked,
                    $"The patient has an appointment booked for {booking.Date:yyyy-MM-dd} ({booking.BookingId}); relief ended on {session.Schedule.ReliefEndsOn:yyyy-MM-dd} while the reminder was held for it.");
        if (booking is not null)
            return Decision.Hold(SkipReason.AlreadyBooked,
                $"Held: the patient has an appointment booked for {booking.Date:yyyy-MM-dd} ({booking.BookingId}). Sent if the booking is cancelled, or if its day passes without a session posted for the visit.");

        // The frequency cap: the patient got a reminder email within the last N days (another session or treatment).
        if (clinic is { FrequencyCapDays: > 0 } && record.Patient.LastReminderSentAt is { } last)
        {
            var allowed = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(last, clinic.TimeZone).DateTime).AddDays(clinic.FrequencyCapDays);
            // Held past a closed day, it waits for the next open one (the day before is the cap's).
            for (var i = 0; i < 400 && clinic.ClosedDays.IsClosed(allowed); i++) allowed = allowed.AddDays(1);
            if (allowed > today)
                return session.Schedule.IsExpiredOn(allowed)
                    ? Decision.Skip(SkipReason.FrequencyCap, $"The patient was emailed on {last:yyyy-MM-dd}; by {allowed:yyyy-MM-dd}, when the clinic's cap of one reminder per {clinic.FrequencyCapDays} days allows another, this one would be too late.")
                    : Decision.Hold(SkipReason.FrequencyCap, $"Held by the clinic's cap of one reminder per {clinic.FrequencyCapDays} days (the patient was emailed on {last:yyyy-MM-dd}): sent from {allowed:yyyy-MM-dd}.");
        }

        return Decision.Send;
    }

    /// <summary>
    /// Whether two sessions (or a booking and a session) are of the same treatment for the rules that act within one.
    /// No treatment named means "unspecified", which matches any: a clinic that starts naming treatments still has
    /// its earlier sessions superseded by the next visit.
    /// </summary>
    public static bool SameTreatment(string? a, string? b) => a is null || b is null || a == b;

    /// <summary>A later injection date wins; two sessions on the same day send one email (the higher session id's).</summary>
    private static bool IsLater(SessionSummary other, SessionEntity session) =>
        other.InjectionDay > session.InjectionDay ||
        (other.InjectionDay == session.InjectionDay && string.CompareOrdinal(other.SessionId, session.SessionId) > 0);

    internal sealed record Decision(string Kind, string? Reason = null, string? Detail = null)
    {
        public static readonly Decision Send = new("Send");
        public static readonly Decision Drop = new("Drop");
        /// <summary>Not now: stays pending (the reason and detail say why), and is looked at again by later sweeps.</summary>
        public static Decision Hold(string reason, string detail) => new("Hold", reason, detail);
        public static Decision Skip(string reason, string detail) => new(ReminderStatus.Skipped, reason, detail);
        public static Decision Expire(string detail) => new(ReminderStatus.Expired, "ReliefEnded", detail);
    }
}
