using Reminders.Sessions;

namespace Reminders.Patients;

/// <summary>A patient, their sessions and each reminder's status and reason.</summary>
public sealed record PatientView(string PatientId, string? Email, string? FirstName, IReadOnlyList<SessionView> Sessions)
{
    internal static PatientView Of(PatientRecord record) => new(
        record.PatientId, record.Patient?.Email, record.Patient?.FirstName,
        record.Sessions.OrderBy(s => s.InjectionDate, StringComparer.Ordinal).ThenBy(s => s.SessionId, StringComparer.Ordinal)
            .Select(SessionView.Of).ToList());
}
