using Azure.Data.Tables;
using Reminders.Clinics;
using Reminders.Patients;
using Reminders.Plan;
using Reminders.Storage;

namespace Reminders.Bench;

/// <summary>
/// Writes N patients, each with one session and its pending reminder, in the layout <c>SessionRegistration</c> produces:
/// patient row "{patientId}|" and session row "{patientId}|{sessionId}" in the clinic's partition of Patients, and a
/// due-index row in the partition of its reminder date. Rows go in entity-group transactions of up to 100 rows of one
/// partition, several in flight at once. Each pending session also gets its pending marker, and its due row goes to
/// the sharded partition "yyyy-MM-dd-ss".
/// </summary>
internal sealed class Seeder(ReminderTables tables, ClinicDirectory clinics, int concurrency)
{
    public const string SessionId = "s1";
    public const int DueShards = 16;
    private const int MaxBatch = 100;

    /// <summary>One seeded patient: which clinic, and the reminder date of their one session.</summary>
    public sealed record Patient(string ClinicId, string PatientId, DateOnly ReminderDate, bool Due);

    public static IReadOnlyList<Clinic> Clinics(int count)
    {
        var madrid = TimeZoneInfo.FindSystemTimeZoneById("Europe/Madrid");
        return Enumerable.Range(0, count)
            .Select(i => new Clinic($"clinic-{i:00}", $"Bench Clinic {i:00}", madrid, new Uri($"https://clinic-{i:00}.example.com/book"),
                null, Clinic.DefaultReliefDays, Clinic.DefaultRemindDaysBefore, new SendWindow(0, 24 * 60), Paused: false))
            .ToList();
    }

    /// <summary>
    /// Exactly <paramref name="due"/> of <paramref name="count"/> patients are due, spread evenly over ids and clinics,
    /// with reminder dates over the last 4 days (today included); the rest fall 1 to 90 days ahead.
    /// </summary>
    public static IReadOnlyList<Patient> Patients(IReadOnlyList<Clinic> clinics, int count, int due, DateOnly today)
    {
        var patients = new List<Patient>(count);
        var dueSoFar = 0;
        for (var i = 0; i < count; i++)
        {
            var clinic = clinics[i % clinics.Count];
            var isDue = (long)(i + 1) * due / count > (long)i * due / count;
            var reminderDate = isDue ? today.AddDays(-(dueSoFar++ % 4)) : today.AddDays(1 + i % 90);
            patients.Add(new Patient(clinic.Id, $"p{i:0000000}", reminderDate, isDue));
        }
        return patients;
    }

    public async Task SaveClinicsAsync(IEnumerable<Clinic> all, CancellationToken ct)
    {
        foreach (var clinic in all)
            await clinics.SaveAsync(clinic, ct);
    }

    /// <summary>
    /// Patient, session and due rows for every patient given. First seeding inserts (<paramref name="reset"/> false);
    /// a reset replaces only the session and due rows, putting those reminders back to Pending.
    /// </summary>
    public async Task<int> WriteAsync(IReadOnlyList<Patient> patients, IReadOnlyDictionary<string, Clinic> clinicsById, bool reset, CancellationToken ct)
    {
        await tables.EnsureCreatedAsync(ct);
        // The store is written in the current layout: no migration to run.
        await tables.Clinics.UpsertEntityAsync(new TableEntity(MetaRows.Partition, "schema") { ["Version"] = StorageMigration.CurrentVersion }, cancellationToken: ct);
        var now = DateTimeOffset.UtcNow;
        var patientRows = new List<(string Partition, ITableEntity Row)>();
        var dueRows = new List<(string Partition, ITableEntity Row)>();
        foreach (var p in patients)
        {
            var clinic = clinicsById[p.ClinicId];
            var session = Session(clinic, p, now);
            if (!reset)
                patientRows.Add((p.ClinicId, new PatientEntity
                {
                    PartitionKey = p.ClinicId, RowKey = PatientEntity.RowFor(p.PatientId), PatientId = p.PatientId,
                    Email = $"{p.PatientId}@example.com", FirstName = "Alex", CreatedAt = now, UpdatedAt = now,
                    Sessions = SessionSummary.Write([SessionSummary.Of(session)]),
                }));
            patientRows.Add((p.ClinicId, session));
            patientRows.Add((p.ClinicId, PendingMarker.For(session)));
            dueRows.Add((session.DuePartition!, new DueEntity
            {
                PartitionKey = session.DuePartition!, RowKey = DueEntity.RowFor(p.ClinicId, p.PatientId, SessionId),
                ClinicId = p.ClinicId, PatientId = p.PatientId, SessionId = SessionId, ReminderId = session.ReminderId, CreatedAt = now,
            }));
        }

        if (reset)
        {
            // A reminder sent by the previous run is in the send ledger, which would (rightly) refuse to send it again.
            await Parallel.ForEachAsync(patientRows.Select(r => r.Row).OfType<SessionEntity>(), new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = ct },
                async (session, token) => await tables.Ledger.DeleteEntityAsync(session.ReminderId.ToString("D"), Reminders.Ledger.LedgerEntry.Row, Azure.ETag.All, token));
        }
        // Insert, not upsert, into fresh tables: an upsert costs the emulator a second lookup per row.
        var action = reset ? TableTransactionActionType.UpsertReplace : TableTransactionActionType.Add;
        var batches = Batches(tables.Patients, patientRows, action).Concat(Batches(tables.Due, dueRows, action)).ToList();
        await Parallel.ForEachAsync(batches, new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = ct },
            async (batch, token) => await batch.Table.SubmitTransactionAsync(batch.Actions, token));
        return batches.Count;
    }

    /// <summary>A pending session as SessionRegistration leaves it (ReminderPolicy.StartFresh with a future or current date).</summary>
    private static SessionEntity Session(Clinic clinic, Patient p, DateTimeOffset now)
    {
        // Pick the injection date that puts the reminder on the wanted date under the clinic's own settings.
        var injection = p.ReminderDate.AddDays(clinic.RemindDaysBefore - clinic.ReliefDays);
        var schedule = ReminderSchedule.For(injection, clinic.ReliefDays, clinic.RemindDaysBefore);
        return new SessionEntity
        {
            PartitionKey = p.ClinicId, RowKey = SessionEntity.RowFor(p.PatientId, SessionId),
            PatientId = p.PatientId, SessionId = SessionId,
            InjectionDate = injection.ToString("yyyy-MM-dd"), ReliefDays = clinic.ReliefDays,
            ReliefEndsOn = schedule.ReliefEndsOn.ToString("yyyy-MM-dd"), ReminderDate = schedule.ReminderDate.ToString("yyyy-MM-dd"),
            CreatedAt = now, UpdatedAt = now,
            ReminderId = ReminderIdentity.For(p.ClinicId, p.PatientId, SessionId, schedule.ReminderDate),
            Status = ReminderStatus.Pending, Detail = $"Due on {schedule.ReminderDate:yyyy-MM-dd}.", DecidedAt = now,
            HasPendingMarker = true,
            DuePartition = $"{schedule.ReminderDate:yyyy-MM-dd}-{DueIndex.Shard(p.ClinicId, p.PatientId, DueShards):00}",
        };
    }

    private static IEnumerable<(TableClient Table, List<TableTransactionAction> Actions)> Batches(
        TableClient table, IEnumerable<(string Partition, ITableEntity Row)> rows, TableTransactionActionType action) =>
        rows.GroupBy(r => r.Partition, StringComparer.Ordinal)
            .SelectMany(partition => partition.Chunk(MaxBatch))
            .Select(chunk => (table, chunk.Select(r => new TableTransactionAction(action, r.Row)).ToList()));
}
