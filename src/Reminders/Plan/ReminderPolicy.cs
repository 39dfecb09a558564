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
        session.ReminderId = ReminderIdentity.For(clinicId, session.PatientId, session.SessionId, schedule.ReminderDate);
        session.Attempts = 0;
        session.SentAt = null;
        session.MessageId = null;
        session.ProviderStatus = null;
        if (!resendSent && session.WasSent(session.ReminderId))
            session.Decide(ReminderStatus.Skipped, SkipReason.AlreadySent, "This reminder was already sent when the session last had these dates.", now);
        else if (schedule.IsExpiredOn(today))
            session.Decide(ReminderStatus.Expired, "ReliefEnded", ReminderSchedule.ExpiredDetail(schedule.ReliefEndsOn), now);
        else
            session.Decide(ReminderStatus.Pending, null, $"Due on {schedule.ReminderDate:yyyy-MM-dd}.", now);
    }

    /// <summary>What to do with a pending reminder that is due today, checked again at send time.</summary>
    public static Decision Evaluate(PatientRecord record, SessionEntity session, DateOnly today, bool optedOut)
    {
        if (record.Patient is null)
            return Decision.Drop; // a registration between its writes, or an erasure: send nothing now
        if (session.Cancelled)
            return Decision.Skip(SkipReason.Cancelled, "The clinic cancelled this session.");
        if (optedOut)
            return Decision.Skip(SkipReason.OptedOut, "The patient unsubscribed from this clinic's reminders.");

        var newer = record.Sessions
            .Where(s => !s.Cancelled && s.SessionId != session.SessionId && IsLater(s, session))
            .OrderByDescending(s => s.InjectionDay)
            .FirstOrDefault();
        if (newer is not null)
            return Decision.Skip(SkipReason.Superseded, $"A later session ({newer.SessionId}, {newer.InjectionDate}) was registered: the patient already rebooked.");

        if (session.Schedule.IsExpiredOn(today))
            return Decision.Expire(ReminderSchedule.ExpiredDetail(session.Schedule.ReliefEndsOn));

        return Decision.Send;
    }

    /// <summary>A later injection date wins; two sessions on the same day send one email (the higher session id's).</summary>
    private static bool IsLater(SessionEntity other, SessionEntity session) =>
        other.InjectionDay > session.InjectionDay ||
        (other.InjectionDay == session.InjectionDay && string.CompareOrdinal(other.SessionId, session.SessionId) > 0);

    internal sealed record Decision(string Kind, string? Reason = null, string? Detail = null)
    {
        public static readonly Decision Send = new("Send");
        public static readonly Decision Drop = new("Drop");
        public static Decision Skip(string reason, string detail) => new(ReminderStatus.Skipped, reason, detail);
        public static Decision Expire(string detail) => new(ReminderStatus.Expired, "ReliefEnded", detail);
    }
}
