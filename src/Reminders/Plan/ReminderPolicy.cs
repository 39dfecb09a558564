using Reminders.Patients;

namespace Reminders.Plan;

/// <summary>The reminder rules, in one place: when a reminder starts, and what happens to it when it is due.</summary>
internal static class ReminderPolicy
{
    /// <summary>Gives the session a new reminder for its current dates: Pending, or Expired if it is already too late.</summary>
    public static void StartFresh(SessionEntity session, string clinicId, DateOnly today, DateTimeOffset now)
    {
        var schedule = session.Schedule;
        session.ReminderId = ReminderIdentity.For(clinicId, session.PatientId, session.SessionId, schedule.ReminderDate);
        session.Attempts = 0;
        session.SentAt = null;
        session.MessageId = null;
        if (schedule.IsExpiredOn(today))
            session.Decide(ReminderStatus.Expired, "ReliefEnded", ReminderSchedule.ExpiredDetail(schedule.ReliefEndsOn), now);
        else
            session.Decide(ReminderStatus.Pending, null, $"Due on {schedule.ReminderDate:yyyy-MM-dd}.", now);
    }

    /// <summary>What to do with a pending reminder that is due today, checked again at send time.</summary>
    public static Decision Evaluate(PatientRecord record, SessionEntity session, DateOnly today, bool optedOut)
    {
        if (record.Patient is null)
            return Decision.Drop; // erased (or erasing): nothing is sent and nothing is kept
        if (session.Cancelled)
            return Decision.Skip(SkipReason.Cancelled, "The clinic cancelled this session.");
        if (optedOut)
            return Decision.Skip(SkipReason.OptedOut, "The patient unsubscribed from this clinic's reminders.");

        var newer = record.Sessions
            .Where(s => !s.Cancelled && s.SessionId != session.SessionId && s.InjectionDay > session.InjectionDay)
            .OrderByDescending(s => s.InjectionDay)
            .FirstOrDefault();
        if (newer is not null)
            return Decision.Skip(SkipReason.Superseded, $"A later session ({newer.SessionId}, {newer.InjectionDate}) was registered: the patient already rebooked.");

        if (session.Schedule.IsExpiredOn(today))
            return Decision.Expire(ReminderSchedule.ExpiredDetail(session.Schedule.ReliefEndsOn));

        return Decision.Send;
    }

    internal sealed record Decision(string Kind, string? Reason = null, string? Detail = null)
    {
        public static readonly Decision Send = new("Send");
        public static readonly Decision Drop = new("Drop");
        public static Decision Skip(string reason, string detail) => new(ReminderStatus.Skipped, reason, detail);
        public static Decision Expire(string detail) => new(ReminderStatus.Expired, "ReliefEnded", detail);
    }
}
