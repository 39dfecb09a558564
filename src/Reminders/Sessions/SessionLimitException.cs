namespace Reminders.Sessions;

/// <summary>A new session for a patient who already has <see cref="Patients.PatientRecords.MaxSessionsPerPatient"/>; the API answers 422.</summary>
public sealed class SessionLimitException(string message) : Exception(message);
