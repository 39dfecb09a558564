namespace Reminders.Patients;

/// <summary>
/// What is stored about one patient in one clinic: the patient row, and either all their sessions (one range query)
/// or just one (a read by key) with the others known from the patient row's <see cref="SessionSummary"/>.
/// </summary>
public sealed record PatientRecord(string ClinicId, string PatientId, PatientEntity? Patient, IReadOnlyList<SessionEntity> Sessions, bool AllSessions = true)
{
    public bool Exists => Patient is not null || Sessions.Count > 0;

    public SessionEntity? Session(string sessionId) => Sessions.FirstOrDefault(s => s.SessionId == sessionId);

    /// <summary>Every session's id, date and cancellation: from the sessions when all were read, else from the patient row.</summary>
    public IReadOnlyList<SessionSummary> Summaries =>
        AllSessions || Patient?.Sessions is null ? Sessions.Select(SessionSummary.Of).ToList() : SessionSummary.Read(Patient.Sessions);

    public int SessionCount => Summaries.Count;
}
