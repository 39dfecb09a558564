using System.Text;

namespace Reminders.Patients;

/// <summary>
/// What the reminder rules need to know of a patient's other sessions (id, injection date, cancelled, treatment), kept on the
/// patient row. Every change to a session's date or cancellation rewrites the patient row in the same transaction, so
/// it is always in step, and registering or sending a reminder reads two rows by key instead of querying the patient.
/// </summary>
public sealed record SessionSummary(string SessionId, DateOnly InjectionDay, bool Cancelled, string? TreatmentId = null)
{
    public static SessionSummary Of(SessionEntity session) => new(session.SessionId, session.InjectionDay, session.Cancelled, session.TreatmentId);

    /// <summary>
    /// "id,yyyy-MM-dd,0|1[,treatmentId];…" as UTF-8 (a binary property: 500 sessions with two 64-character ids fit in
    /// 64 KiB). Rows written before treatments have no fourth field.
    /// </summary>
    public static byte[] Write(IEnumerable<SessionSummary> sessions) =>
        Encoding.UTF8.GetBytes(string.Join(';', sessions.OrderBy(s => s.SessionId, StringComparer.Ordinal)
            .Select(s => $"{s.SessionId},{s.InjectionDay:yyyy-MM-dd},{(s.Cancelled ? 1 : 0)}" + (s.TreatmentId is null ? "" : "," + s.TreatmentId))));

    public static IReadOnlyList<SessionSummary> Read(byte[] bytes) =>
        Encoding.UTF8.GetString(bytes).Split(';', StringSplitOptions.RemoveEmptyEntries).Select(entry =>
        {
            var parts = entry.Split(',');
            return new SessionSummary(parts[0], DateOnly.ParseExact(parts[1], "yyyy-MM-dd"), parts[2] == "1", parts.Length > 3 ? parts[3] : null);
        }).ToList();
}
