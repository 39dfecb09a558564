using Azure.Data.Tables;
using Reminders.Storage;

namespace Reminders.Patients;

/// <summary>Reads a patient's aggregate and writes it back in entity-group transactions.</summary>
public sealed class PatientRecords(ReminderTables tables, Webhooks.WebhookOutbox? outbox = null)
{
    /// <summary>A patient has at most this many sessions, so every request about them does bounded work.</summary>
    public const int MaxSessionsPerPatient = 500;

    /// <summary>The patient row and every session, in one range query ("{id}|" up to "{id}}": ids never hold '|' or '}').</summary>
    public async Task<PatientRecord> LoadAsync(string clinicId, string patientId, CancellationToken ct)
    {
        await tables.EnsureCreatedAsync(ct);
        var patientRow = PatientEntity.RowFor(patientId);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {clinicId} and RowKey ge {patientRow} and RowKey lt {patientId + "}"}");
        PatientEntity? patient = null;
        var sessions = new List<SessionEntity>();
        await foreach (var row in tables.Patients.QueryAsync<TableEntity>(filter, cancellationToken: ct))
        {
            if (row.RowKey == patientRow) patient = EntityMapper.To<PatientEntity>(row);
            else sessions.Add(EntityMapper.To<SessionEntity>(row));
        }
        return new PatientRecord(clinicId, patientId, patient, sessions);
    }

    /// <summary>
    /// The patient row and one session, read by key in parallel: what registering or sending a reminder needs (the other
    /// sessions are summarised on the patient row). A patient row from before summaries: everything, one range query.
    /// </summary>
    public async Task<PatientRecord> LoadSessionAsync(string clinicId, string patientId, string sessionId, CancellationToken ct)
    {
        await tables.EnsureCreatedAsync(ct);
        var patientRead = tables.Patients.GetEntityIfExistsAsync<PatientEntity>(clinicId, PatientEntity.RowFor(patientId), cancellationToken: ct);
        var sessionRead = tables.Patients.GetEntityIfExistsAsync<SessionEntity>(clinicId, SessionEntity.RowFor(patientId, sessionId), cancellationToken: ct);
        var (patient, session) = (await patientRead, await sessionRead);
        if (patient.HasValue && patient.Value!.Sessions is null) return await LoadAsync(clinicId, patientId, ct);
        return new PatientRecord(clinicId, patientId, patient.HasValue ? patient.Value : null,
            session.HasValue ? [session.Value!] : [], AllSessions: !patient.HasValue);
    }

    /// <summary>
    /// As <see cref="LoadSessionAsync"/>, for a registration: the patient row first, and the session only if the
    /// patient's summary lists it. A new patient or a new session (a back-fill, a new injection) costs one read.
    /// </summary>
    public async Task<PatientRecord> LoadForRegistrationAsync(string clinicId, string patientId, string sessionId, CancellationToken ct)
    {
        await tables.EnsureCreatedAsync(ct);
        var patient = await tables.Patients.GetEntityIfExistsAsync<PatientEntity>(clinicId, PatientEntity.RowFor(patientId), cancellationToken: ct);
        if (!patient.HasValue) return new PatientRecord(clinicId, patientId, null, [], AllSessions: true);
        if (patient.Value!.Sessions is null) return await LoadAsync(clinicId, patientId, ct);
        var record = new PatientRecord(clinicId, patientId, patient.Value, [], AllSessions: false);
        if (record.Summaries.All(s => s.SessionId != sessionId)) return record;
        var session = await tables.Patients.GetEntityIfExistsAsync<SessionEntity>(clinicId, SessionEntity.RowFor(patientId, sessionId), cancellationToken: ct);
        return record with { Sessions = session.HasValue ? [session.Value!] : [] };
    }

    /// <summary>
    /// A clinic's sessions whose reminder date falls in [from, to], at most <paramref name="pageSize"/> of them from
    /// <paramref name="position"/> on (one partition, filtered by the service), and where the next page starts.
    /// </summary>
    public Task<(IReadOnlyList<SessionEntity> Sessions, string? Next)> SessionsWithReminderBetweenAsync(
        string clinicId, DateOnly from, DateOnly to, int pageSize, string? position, CancellationToken ct) =>
        SessionPageAsync(TableClient.CreateQueryFilter(
            $"PartitionKey eq {clinicId} and ReminderDate ge {from.ToString("yyyy-MM-dd")} and ReminderDate le {to.ToString("yyyy-MM-dd")}"), pageSize, position, ct);

    /// <summary>Sessions whose reminder got its current status at or after <paramref name="from"/> and before <paramref name="until"/>.</summary>
    public Task<(IReadOnlyList<SessionEntity> Sessions, string? Next)> SessionsDecidedBetweenAsync(
        string clinicId, DateTimeOffset from, DateTimeOffset until, int pageSize, string? position, CancellationToken ct) =>
        SessionPageAsync(TableClient.CreateQueryFilter($"PartitionKey eq {clinicId} and DecidedAt ge {from} and DecidedAt lt {until}"), pageSize, position, ct);

    /// <summary>
    /// The first names of the patients of a page of sessions: a point read of each patient row's one field, 16 at a
    /// time, so the cost follows the page (at most one read per session on it), never the clinic. (One range query from
    /// the page's first patient to its last looks cheaper, but a date-filtered page is spread over the whole partition:
    /// it would read every patient of the clinic to name a few.) For a page a person reads, not for every API call.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, string>> FirstNamesAsync(string clinicId, IReadOnlyList<SessionEntity> sessions, CancellationToken ct)
    {
        var names = new System.Collections.Concurrent.ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        await Parallel.ForEachAsync(sessions.Select(s => s.PatientId).Distinct(StringComparer.Ordinal),
            new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = ct },
            async (patientId, token) =>
            {
                var row = await tables.Patients.GetEntityIfExistsAsync<PatientEntity>(clinicId, PatientEntity.RowFor(patientId), select: [nameof(PatientEntity.FirstName)], cancellationToken: token);
                if (row.HasValue && row.Value!.FirstName is { } name) names[patientId] = name;
            });
        return names;
    }

    private async Task<(IReadOnlyList<SessionEntity> Sessions, string? Next)> SessionPageAsync(string filter, int pageSize, string? position, CancellationToken ct)
    {
        await tables.EnsureCreatedAsync(ct);
        var sessions = new List<SessionEntity>();
        // The service may answer a filtered query with short (even empty) pages: ask again for what is missing.
        while (sessions.Count < pageSize)
        {
            var page = await FirstPageAsync(tables.Patients.QueryAsync<SessionEntity>(filter, maxPerPage: pageSize - sessions.Count, cancellationToken: ct)
                .AsPages(position, pageSize - sessions.Count), ct);
            sessions.AddRange(page.Values);
            position = page.ContinuationToken;
            if (position is null) break;
        }
        return (sessions, position);
    }

    private static async Task<Azure.Page<T>> FirstPageAsync<T>(IAsyncEnumerable<Azure.Page<T>> pages, CancellationToken ct)
    {
        await foreach (var page in pages.WithCancellation(ct)) return page;
        throw new InvalidOperationException("A query returned no page.");
    }

    /// <summary>Rows of one kind under a key prefix in a clinic's partition (markers), optionally after <paramref name="after"/>.</summary>
    /// <summary>The row keys of a patient's sent-reminder rows (<see cref="Stats.SentStatEntity"/>).</summary>
    public async IAsyncEnumerable<string> StatRowsOfAsync(string clinicId, string patientId,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        await tables.EnsureCreatedAsync(ct);
        const string prefix = Stats.SentStatEntity.Prefix, end = "~stat}";
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {clinicId} and RowKey ge {prefix} and RowKey lt {end} and PatientId eq {patientId}");
        await foreach (var row in tables.Patients.QueryAsync<TableEntity>(filter, select: ["RowKey"], cancellationToken: ct))
            yield return row.RowKey;
    }

    public async IAsyncEnumerable<T> RowsWithPrefixAsync<T>(string clinicId, string prefix, string? after,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct) where T : class, ITableEntity, new()
    {
        await tables.EnsureCreatedAsync(ct);
        var end = prefix[..^1] + (char)(prefix[^1] + 1);
        var filter = after is null
            ? TableClient.CreateQueryFilter($"PartitionKey eq {clinicId} and RowKey ge {prefix} and RowKey lt {end}")
            : TableClient.CreateQueryFilter($"PartitionKey eq {clinicId} and RowKey gt {after} and RowKey lt {end}");
        await foreach (var row in tables.Patients.QueryAsync<T>(filter, cancellationToken: ct))
            yield return row;
    }

    public PartitionBatch NewBatch() => new(tables.Patients, outbox);

    /// <summary>
    /// Adds a session write to <paramref name="batch"/> (insert, or replace if unchanged since read) and keeps its
    /// pending marker in step: the marker exists exactly while the session is Pending.
    /// </summary>
    public static void PutSession(PartitionBatch batch, SessionEntity session)
    {
        if (session.IsPending)
        {
            session.HasPendingMarker = true;
            batch.Upsert(PendingMarker.For(session));
        }
        else if (session.HasPendingMarker)
        {
            session.HasPendingMarker = false;
            batch.Delete(session.PartitionKey, PendingMarker.RowFor(session.PatientId, session.SessionId), Azure.ETag.All);
        }
        batch.Put(session);
        batch.Announce(session);
    }

    /// <summary>Writes one session (and its marker) if unchanged since it was read; false when someone else wrote first.</summary>
    public async Task<bool> TrySaveSessionAsync(SessionEntity session, CancellationToken ct)
    {
        var batch = NewBatch();
        PutSession(batch, session);
        return await batch.TrySubmitAsync(ct);
    }
}
