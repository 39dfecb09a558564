namespace Reminders.Patients;

/// <summary>Everything stored about one patient in one clinic (the patient row and their sessions), read in one range query.</summary>
public sealed record PatientRecord(string ClinicId, string PatientId, PatientEntity? Patient, IReadOnlyList<SessionEntity> Sessions)
{
    public bool Exists => Patient is not null || Sessions.Count > 0;

    public SessionEntity? Session(string sessionId) => Sessions.FirstOrDefault(s => s.SessionId == sessionId);
}
