using System.Text;

namespace Reminders.Patients;

/// <summary>
/// What the reminder rules need to know of a patient's other sessions (id, injection date, cancelled, treatment), kept on the
/// patient row. Every change to a session's date or cancellation rewrites the patient row in the same transaction, so
/// it is always in step, and registering or sending a reminder reads two rows by key instead of querying the patient.
/// </summary>
/// <param name="NotYetDay">The day of relief of the patient's latest "not yet" answer to this session's reminders (relief lasted beyond it), if any.</param>
public sealed record SessionSummary(string SessionId, DateOnly InjectionDay, bool Cancelled, string? TreatmentId = null, int? NotYetDay = null)
{
    public static SessionSummary Of(SessionEntity session) => new(session.SessionId, session.InjectionDay, session.Cancelled, session.TreatmentId,
        CheckIn.CheckInAnswer.Read(session.CheckIns).LastOrDefault(a => a.Answer == CheckIn.CheckInAnswer.NotYet)?.DayOfRelief);

    /// <summary>
    /// "[#t1,t2;]id,yyyy-MM-dd,0|1[,#n][,~d];…" as UTF-8 (a binary property). The treatments a patient had are listed once,
    /// first, and each session names its own by position, so 500 sessions with 64-character ids stay well inside
    /// 64 KiB (about 81 bytes each). Rows written before treatments have no fourth field; rows written before the list
    /// name the treatment itself there.
    /// </summary>
    public static byte[] Write(IEnumerable<SessionSummary> sessions)
    {
        var ordered = sessions.OrderBy(s => s.SessionId, StringComparer.Ordinal).ToList();
        var treatments = ordered.Where(s => s.TreatmentId is not null).Select(s => s.TreatmentId!).Distinct().Order(StringComparer.Ordinal).ToList();
        var entries = ordered.Select(s => $"{s.SessionId},{s.InjectionDay:yyyy-MM-dd},{(s.Cancelled ? 1 : 0)}" +
                                          (s.TreatmentId is null ? "" : ",#" + treatments.IndexOf(s.TreatmentId)) +
                                          (s.NotYetDay is { } day ? ",~" + day.ToString(System.Globalization.CultureInfo.InvariantCulture) : ""));
        return Encoding.UTF8.GetBytes(string.Join(';', treatments.Count == 0 ? entries : entries.Prepend("#" + string.Join(',', treatments))));
    }

    public static IReadOnlyList<SessionSummary> Read(byte[] bytes)
    {
        var entries = Encoding.UTF8.GetString(bytes).Split(';', StringSplitOptions.RemoveEmptyEntries);
        // Ids never start with '#' (letters, digits, '.', '_', '-'), so a leading '#' is the treatment list or a position in it.
        var treatments = entries.Length > 0 && entries[0].StartsWith('#') ? entries[0][1..].Split(',') : [];
        return entries.Skip(treatments.Length > 0 ? 1 : 0).Select(entry =>
        {
            var parts = entry.Split(',');
            string? treatment = null;
            int? notYet = null;
            // Ids never contain '~' either: it marks the "not yet" day; anything else unmarked is a treatment spelled out (older rows).
            foreach (var part in parts.Skip(3))
                if (part is ['~', ..]) notYet = int.Parse(part.AsSpan(1), System.Globalization.CultureInfo.InvariantCulture);
                else treatment = part is ['#', ..] ? treatments[int.Parse(part.AsSpan(1), System.Globalization.CultureInfo.InvariantCulture)] : part;
            return new SessionSummary(parts[0], DateOnly.ParseExact(parts[1], "yyyy-MM-dd"), parts[2] == "1", treatment, notYet);
        }).ToList();
    }
}
