using System.Runtime.CompilerServices;
using System.Text;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using Reminders.Configuration;
using Reminders.Patients;
using Reminders.Storage;

namespace Reminders.Plan;

/// <summary>
/// Writes, removes and reads the due index. A session remembers the partition and ETag of its due row, so the row is
/// only ever deleted by whoever knows its current version: a re-post that rewrote it meanwhile keeps it alive.
/// </summary>
public sealed class DueIndex(ReminderTables tables, IOptions<RemindersOptions> options, TimeProvider time)
{
    /// <summary>"yyyy-MM-dd-ss": the date first, so a range up to a date covers every shard of every earlier day.</summary>
    public string PartitionFor(DateOnly date, string clinicId, string patientId) =>
        $"{date:yyyy-MM-dd}-{Shard(clinicId, patientId, options.Value.DueShards):00}";

    /// <summary>FNV-1a of clinic and patient: stable across processes and releases (string.GetHashCode is not).</summary>
    public static int Shard(string clinicId, string patientId, int shards)
    {
        var hash = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes($"{clinicId}|{patientId}"))
            hash = (hash ^ b) * 16777619u;
        return (int)(hash % (uint)shards);
    }

    /// <summary>Writes the session's due row and remembers where and with which ETag.</summary>
    public async Task PutAsync(SessionEntity session, CancellationToken ct)
    {
        var due = RowFor(session);
        var response = await tables.Due.UpsertEntityAsync(due, TableUpdateMode.Replace, ct);
        session.DuePartition = due.PartitionKey;
        session.DueETag = response.Headers.ETag?.ToString();
    }

    /// <summary>
    /// Writes many sessions' due rows: one transaction per due partition (up to 100 rows), 16 in flight. Each session
    /// remembers where and with which ETag, as with <see cref="PutAsync"/>.
    /// </summary>
    public async Task PutAllAsync(IReadOnlyList<SessionEntity> sessions, CancellationToken ct)
    {
        var rows = sessions.Select(s => (Session: s, Row: RowFor(s))).ToList();
        var chunks = rows.GroupBy(r => r.Row.PartitionKey, StringComparer.Ordinal).SelectMany(g => g.Chunk(PartitionBatch.MaxActions)).ToList();
        await Parallel.ForEachAsync(chunks, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = ct }, async (chunk, token) =>
        {
            if (chunk.Length == 1)
            {
                await PutAsync(chunk[0].Session, token);
                return;
            }
            var batch = new PartitionBatch(tables.Due);
            foreach (var (_, row) in chunk) batch.Upsert(row);
            if (!await batch.TrySubmitAsync(token)) throw new RequestFailedException(409, "An upsert transaction of due rows was refused.");
            foreach (var (session, row) in chunk)
            {
                session.DuePartition = row.PartitionKey;
                session.DueETag = row.ETag.ToString();
            }
        });
    }

    public DueEntity RowFor(SessionEntity session) => new()
    {
        PartitionKey = PartitionFor(session.Schedule.ReminderDate, session.PartitionKey, session.PatientId),
        RowKey = DueEntity.RowFor(session.PartitionKey, session.PatientId, session.SessionId),
        ClinicId = session.PartitionKey,
        PatientId = session.PatientId,
        SessionId = session.SessionId,
        ReminderId = session.ReminderId,
        CreatedAt = time.GetUtcNow(),
    };

    /// <summary>Removes the due row a session last wrote, if nobody rewrote it since. Rows from before sharding carry no ETag.</summary>
    /// <remarks>A null <paramref name="dueETag"/> deletes whatever the row holds: rows from before sharding, and erasure.</remarks>
    public Task<bool> TryRemoveAsync(string clinicId, string patientId, string sessionId, string? duePartition, string? dueETag, string reminderDate, CancellationToken ct) =>
        tables.Due.TryDeleteAsync(duePartition ?? reminderDate, DueEntity.RowFor(clinicId, patientId, sessionId),
            dueETag is null ? ETag.All : new ETag(dueETag), ct);

    public Task<bool> TryRemoveAsync(SessionEntity session, CancellationToken ct) =>
        TryRemoveAsync(session.PartitionKey, session.PatientId, session.SessionId, session.DuePartition, session.DueETag, session.ReminderDate, ct);

    /// <summary>
    /// Removes settled due rows, each only if it still carries the ETag it was read with: one transaction per partition
    /// (up to 100 rows); a transaction refused because one row changed falls back to deleting them one by one.
    /// </summary>
    public async Task RemoveAllAsync(IEnumerable<DueEntity> rows, CancellationToken ct)
    {
        foreach (var chunk in rows.GroupBy(r => r.PartitionKey, StringComparer.Ordinal).SelectMany(g => g.DistinctBy(r => r.RowKey).Chunk(PartitionBatch.MaxActions)))
        {
            if (chunk.Length == 1)
            {
                await TryRemoveAsync(chunk[0], ct);
                continue;
            }
            var batch = new PartitionBatch(tables.Due);
            foreach (var row in chunk) batch.Delete(row.PartitionKey, row.RowKey, row.ETag);
            if (await batch.TrySubmitAsync(ct)) continue;
            foreach (var row in chunk) await TryRemoveAsync(row, ct);
        }
    }

    /// <summary>
    /// Marks planned rows as queued until <paramref name="until"/>, each only if unchanged since it was read (one
    /// transaction per partition; one by one if a row changed). Returns the rows marked, in the given order, with
    /// their new ETags: the ones a sender may delete once settled.
    /// </summary>
    public async Task<IReadOnlyList<DueEntity>> MarkPlannedAsync(IReadOnlyList<DueEntity> rows, DateTimeOffset until, CancellationToken ct)
    {
        var marked = new HashSet<DueEntity>(ReferenceEqualityComparer.Instance);
        foreach (var chunk in rows.GroupBy(r => r.PartitionKey, StringComparer.Ordinal).SelectMany(g => g.DistinctBy(r => r.RowKey).Chunk(PartitionBatch.MaxActions)))
        {
            var updates = chunk.Select(r => new TableEntity(r.PartitionKey, r.RowKey) { ["PlannedUntil"] = until, ETag = r.ETag }).ToList();
            var batch = new PartitionBatch(tables.Due);
            foreach (var update in updates) batch.Merge(update);
            if (await batch.TrySubmitAsync(ct))
            {
                for (var i = 0; i < chunk.Length; i++) Mark(chunk[i], updates[i].ETag);
                continue;
            }
            foreach (var (row, update) in chunk.Zip(updates))
            {
                try
                {
                    Mark(row, (await tables.Due.UpdateEntityAsync(update, row.ETag, TableUpdateMode.Merge, ct)).Headers.ETag ?? default);
                }
                catch (RequestFailedException e) when (e.IsConflict() || e.IsNotFound())
                {
                    // Changed or settled since it was read: the next sweep sees it as it is now.
                }
            }
        }
        return rows.Where(marked.Contains).ToList();

        void Mark(DueEntity row, ETag etag)
        {
            row.ETag = etag;
            row.PlannedUntil = until;
            marked.Add(row);
        }
    }

    /// <summary>Removes a due row as it was read.</summary>
    public Task<bool> TryRemoveAsync(DueEntity due, CancellationToken ct) => tables.Due.TryDeleteAsync(due.PartitionKey, due.RowKey, due.ETag, ct);

    /// <summary>
    /// Every due row dated up to <paramref name="lastDate"/>. The two newest days (where nearly all the volume is) are
    /// read shard by shard in parallel; anything older (catch-up after missed runs, rows left behind) in one range.
    /// </summary>
    public async IAsyncEnumerable<DueEntity> ReadThroughAsync(DateOnly lastDate, [EnumeratorCancellation] CancellationToken ct)
    {
        await tables.EnsureCreatedAsync(ct);
        var recentFrom = lastDate.AddDays(-1);
        var older = TableClient.CreateQueryFilter($"PartitionKey lt {recentFrom.ToString("yyyy-MM-dd")}");
        await foreach (var row in tables.Due.QueryAsync<DueEntity>(older, cancellationToken: ct))
            yield return row;

        // One query per shard; the last one is a range, so rows written under a larger shard count are still read.
        var shards = options.Value.DueShards;
        var filters = new[] { recentFrom, lastDate }.SelectMany(day => Enumerable.Range(0, shards).Select(s =>
            s < shards - 1
                ? TableClient.CreateQueryFilter($"PartitionKey eq {$"{day:yyyy-MM-dd}-{s:00}"}")
                : TableClient.CreateQueryFilter($"PartitionKey ge {$"{day:yyyy-MM-dd}-{s:00}"} and PartitionKey lt {$"{day:yyyy-MM-dd}."}")))
            // Rows from before sharding ("yyyy-MM-dd"), until the start-up migration has moved them.
            .Concat(new[] { recentFrom, lastDate }.Select(day => TableClient.CreateQueryFilter($"PartitionKey eq {day.ToString("yyyy-MM-dd")}")))
            .ToList();
        using var gate = new SemaphoreSlim(16);
        var reads = filters.Select(async filter =>
        {
            await gate.WaitAsync(ct);
            try
            {
                var rows = new List<DueEntity>();
                await foreach (var row in tables.Due.QueryAsync<DueEntity>(filter, cancellationToken: ct))
                    rows.Add(row);
                return rows;
            }
            finally
            {
                gate.Release();
            }
        }).ToList();
        foreach (var read in reads)
            foreach (var row in await read)
                yield return row;
    }
}
