using Reminders.Sessions;

namespace Reminders.Patients;

/// <summary>A patient, their sessions and each reminder's status and reason.</summary>
/// <param name="OptedOut">The patient unsubscribed from this clinic's reminders (only the patient can undo it).</param>
public sealed record PatientView(string PatientId, string? Email, string? FirstName, bool OptedOut, IReadOnlyList<SessionView> Sessions)
{
    internal static PatientView Of(PatientRecord record, bool optedOut) => new(
        record.PatientId, record.Patient?.Email, record.Patient?.FirstName, optedOut,
        record.Sessions.OrderBy(s => s.InjectionDate, StringComparer.Ordinal).ThenBy(s => s.SessionId, StringComparer.Ordinal)
            .Select(SessionView.Of).ToList());
}
