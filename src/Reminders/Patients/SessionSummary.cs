using System.Text;

namespace Reminders.Patients;

/// <summary>
/// What the reminder rules need to know of a patient's other sessions (id, injection date, cancelled), kept on the
/// patient row. Every change to a session's date or cancellation rewrites the patient row in the same transaction, so
/// it is always in step, and registering or sending a reminder reads two rows by key instead of querying the patient.
/// </summary>
public sealed record SessionSummary(string SessionId, DateOnly InjectionDay, bool Cancelled)
{
    public static SessionSummary Of(SessionEntity session) => new(session.SessionId, session.InjectionDay, session.Cancelled);

    /// <summary>"id,yyyy-MM-dd,0|1;…" as UTF-8 (a binary property: 500 sessions with 64-character ids fit in 64 KiB).</summary>
    public static byte[] Write(IEnumerable<SessionSummary> sessions) =>
        Encoding.UTF8.GetBytes(string.Join(';', sessions.OrderBy(s => s.SessionId, StringComparer.Ordinal)
            .Select(s => $"{s.SessionId},{s.InjectionDay:yyyy-MM-dd},{(s.Cancelled ? 1 : 0)}")));

    public static IReadOnlyList<SessionSummary> Read(byte[] bytes) =>
        Encoding.UTF8.GetString(bytes).Split(';', StringSplitOptions.RemoveEmptyEntries).Select(entry =>
        {
            var parts = entry.Split(',');
            return new SessionSummary(parts[0], DateOnly.ParseExact(parts[1], "yyyy-MM-dd"), parts[2] == "1");
        }).ToList();
}
