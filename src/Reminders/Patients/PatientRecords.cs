using Azure;
using Azure.Data.Tables;
using Reminders.Plan;
using Reminders.Storage;

namespace Reminders.Patients;

/// <summary>Reads and writes patients, sessions and the due index.</summary>
public sealed class PatientRecords(ReminderTables tables)
{
    public async Task<PatientRecord> LoadAsync(string clinicId, string patientId, CancellationToken ct)
    {
        await tables.EnsureCreatedAsync(ct);
        // Ids never contain '|' or '}', so rows after "{id}|" and before "{id}}" are exactly this patient's sessions.
        var patientRow = PatientEntity.RowFor(patientId);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {clinicId} and RowKey gt {patientRow} and RowKey lt {patientId + "}"}");
        var patientRead = tables.Patients.GetEntityIfExistsAsync<PatientEntity>(clinicId, patientRow, cancellationToken: ct);
        var sessions = new List<SessionEntity>();
        await foreach (var row in tables.Patients.QueryAsync<SessionEntity>(filter, cancellationToken: ct))
            sessions.Add(row);
        var patient = await patientRead;
        return new PatientRecord(clinicId, patientId, patient.HasValue ? patient.Value : null, sessions);
    }

    /// <summary>A clinic's sessions whose reminder date falls in [from, to]: one partition, filtered by the service.</summary>
    public async Task<IReadOnlyList<SessionEntity>> SessionsWithReminderBetweenAsync(string clinicId, DateOnly from, DateOnly to, CancellationToken ct)
    {
        await tables.EnsureCreatedAsync(ct);
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey eq {clinicId} and ReminderDate ge {from.ToString("yyyy-MM-dd")} and ReminderDate le {to.ToString("yyyy-MM-dd")}");
        var sessions = new List<SessionEntity>();
        await foreach (var row in tables.Patients.QueryAsync<SessionEntity>(filter, cancellationToken: ct))
            sessions.Add(row);
        return sessions;
    }

    public async Task UpsertPatientAsync(PatientEntity patient, CancellationToken ct) =>
        await tables.Patients.UpsertEntityAsync(patient, TableUpdateMode.Replace, ct);

    /// <summary>Inserts a new session or replaces it if unchanged since it was read; false when someone else wrote first.</summary>
    public async Task<bool> TrySaveSessionAsync(SessionEntity session, CancellationToken ct)
    {
        try
        {
            var response = session.ETag == default
                ? await tables.Patients.AddEntityAsync(session, ct)
                : await tables.Patients.UpdateEntityAsync(session, session.ETag, TableUpdateMode.Replace, ct);
            session.ETag = response.Headers.ETag ?? default;
            return true;
        }
        catch (RequestFailedException e) when (e.IsConflict())
        {
            return false;
        }
    }

    public Task DeleteRowIfPresentAsync(string clinicId, string rowKey, CancellationToken ct) =>
        DeleteIfPresentAsync(tables.Patients, clinicId, rowKey, ct);

    public async Task AddDueAsync(string clinicId, SessionEntity session, DateTimeOffset now, CancellationToken ct) =>
        await tables.Due.UpsertEntityAsync(new DueEntity
        {
            PartitionKey = session.ReminderDate,
            RowKey = DueEntity.RowFor(clinicId, session.PatientId, session.SessionId),
            ClinicId = clinicId,
            PatientId = session.PatientId,
            SessionId = session.SessionId,
            ReminderId = session.ReminderId,
            CreatedAt = now,
        }, TableUpdateMode.Replace, ct);

    /// <summary>Removes a session's due-index row; deleting a row that is already gone is fine.</summary>
    public Task RemoveDueIfPresentAsync(string clinicId, string patientId, string sessionId, string reminderDate, CancellationToken ct) =>
        DeleteIfPresentAsync(tables.Due, reminderDate, DueEntity.RowFor(clinicId, patientId, sessionId), ct);

    internal static async Task DeleteIfPresentAsync(TableClient table, string partitionKey, string rowKey, CancellationToken ct)
    {
        try
        {
            await table.DeleteEntityAsync(partitionKey, rowKey, ETag.All, ct);
        }
        catch (RequestFailedException e) when (e.IsNotFound())
        {
        }
    }
}
