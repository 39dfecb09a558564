using Reminders.Patients;

namespace Reminders.Sessions;

/// <summary>A session and its reminder as the API shows them.</summary>
public sealed record SessionView(
    string PatientId,
    string SessionId,
    DateOnly InjectionDate,
    int ReliefDays,
    DateOnly ReliefEndsOn,
    DateOnly ReminderDate,
    bool Cancelled,
    Guid ReminderId,
    string Status,
    string? Reason,
    string? Detail,
    DateTimeOffset? SentAt,
    string? MessageId)
{
    internal static SessionView Of(SessionEntity s) => new(
        s.PatientId, s.SessionId, s.InjectionDay, s.ReliefDays, s.Schedule.ReliefEndsOn, s.Schedule.ReminderDate,
        s.Cancelled, s.ReminderId, s.Status, s.Reason, s.Detail, s.SentAt, s.MessageId);
}
