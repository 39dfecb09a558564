using Azure;
using Azure.Data.Tables;
using Reminders.Patients;
using Reminders.Webhooks;

namespace Reminders.Storage;

/// <summary>
/// Writes to one partition that commit together or not at all (an entity-group transaction, at most 100 rows).
/// Conditional writes carry the ETag that was read, so a batch built from a stale read fails as a whole.
/// A session whose decision changed (<see cref="Announce"/>) also writes its webhook event in the same transaction,
/// when the clinic has a receiver, and the event is relayed once the transaction commits.
/// </summary>
public sealed class PartitionBatch(TableClient table, WebhookOutbox? outbox = null)
{
    public const int MaxActions = 100;

    private readonly List<TableTransactionAction> _actions = [];
    private readonly List<SessionEntity> _announced = [];

    public int Count => _actions.Count;

    /// <summary>Inserts a row, or replaces it if it still carries the ETag it was read with (a row never read: insert).</summary>
    public PartitionBatch Put(ITableEntity entity)
    {
        _actions.Add(entity.ETag == default
            ? new TableTransactionAction(TableTransactionActionType.Add, entity)
            : new TableTransactionAction(TableTransactionActionType.UpdateReplace, entity, entity.ETag));
        return this;
    }

    /// <summary>Writes a row whatever it holds now (for rows only ever written together with a row that is checked).</summary>
    public PartitionBatch Upsert(ITableEntity entity)
    {
        _actions.Add(new TableTransactionAction(TableTransactionActionType.UpsertReplace, entity));
        return this;
    }

    /// <summary>Merges the given properties into a row if it still carries the entity's ETag.</summary>
    public PartitionBatch Merge(ITableEntity entity)
    {
        _actions.Add(new TableTransactionAction(TableTransactionActionType.UpdateMerge, entity, entity.ETag));
        return this;
    }

    /// <summary>Deletes a row; with <see cref="ETag.All"/> for rows only ever written together with a row that is checked.</summary>
    public PartitionBatch Delete(string partitionKey, string rowKey, ETag etag)
    {
        _actions.Add(new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(partitionKey, rowKey), etag));
        return this;
    }

    /// <summary>Tells the clinic's receiver, if it has one, of this session's new decision once the batch commits.</summary>
    public PartitionBatch Announce(SessionEntity session)
    {
        if (outbox is not null && !_announced.Contains(session)) _announced.Add(session);
        return this;
    }

    private readonly List<(SessionEntity Session, Guid ReminderId, DateTimeOffset At)> _sentEarlier = [];

    /// <summary>
    /// Tells the receiver that <paramref name="reminderId"/>, an earlier reminder of this session (it was re-dated or
    /// re-planned while that email went out), was sent: the session's own decision is about its new reminder.
    /// </summary>
    public PartitionBatch AnnounceSent(SessionEntity session, Guid reminderId, DateTimeOffset at)
    {
        if (outbox is not null) _sentEarlier.Add((session, reminderId, at));
        return this;
    }

    /// <summary>Commits; false when any row changed, appeared or vanished since it was read (nothing is written then).</summary>
    public async Task<bool> TrySubmitAsync(CancellationToken ct)
    {
        var events = await EventsAsync(ct);
        var actions = _actions;
        // Events ride in the transaction while it has room; past 100 rows (rare: a cancel restoring many sessions)
        // they are written in their own transaction right after it: only a crash between the two loses them.
        var inTransaction = _actions.Count + events.Rows.Count <= MaxActions;
        if (inTransaction && events.Rows.Count > 0)
            actions = [.. _actions, .. Upserts(events.Rows)];
        if (!await TrySubmitAsync(actions, ct)) return false;
        foreach (var session in _announced) session.DecisionChanged = false;
        if (events.Outbox.Count == 0) return true;
        var written = inTransaction;
        if (!written)
        {
            try
            {
                foreach (var chunk in events.Rows.Chunk(MaxActions)) await table.SubmitTransactionAsync(Upserts(chunk), ct);
                written = true;
            }
            catch (RequestFailedException)
            {
                // The relay below still queues them; only the crash-proof copy is missing.
            }
        }
        await outbox!.RelayAsync(events.Outbox, written, ct);
        return true;
    }

    private static List<TableTransactionAction> Upserts(IEnumerable<ITableEntity> rows) =>
        rows.Select(r => new TableTransactionAction(TableTransactionActionType.UpsertReplace, r)).ToList();

    private async Task<(List<ITableEntity> Rows, List<WebhookOutboxEntity> Outbox)> EventsAsync(CancellationToken ct)
    {
        var rows = new List<ITableEntity>();
        var events = new List<WebhookOutboxEntity>();
        var telling = _announced.Where(s => s.DecisionChanged).ToList();
        if (telling.Count + _sentEarlier.Count == 0) return (rows, events);
        if (!await outbox!.WantsAsync(telling.Concat(_sentEarlier.Select(s => s.Session)).First().PartitionKey, ct)) return (rows, events);
        foreach (var (session, reminderId, at) in _sentEarlier)
            Add(WebhookOutboxEntity.ForSent(session, reminderId, at), session, reminderId);
        foreach (var session in telling)
            if (WebhookOutboxEntity.ForDecision(session) is { } e)
                Add(e, session, session.Status == Plan.ReminderStatus.Sent ? session.ReminderId : null);
        return (rows, events);

        void Add(WebhookOutboxEntity e, SessionEntity session, Guid? sent)
        {
            events.Add(e);
            rows.Add(e);
            // Which session a sent reminder was, for its delivery reports' events.
            if (sent is { } id)
                rows.Add(new SentReminderEntity
                {
                    PartitionKey = session.PartitionKey, RowKey = SentReminderEntity.RowFor(id),
                    PatientId = session.PatientId, SessionId = session.SessionId,
                });
        }
    }

    private async Task<bool> TrySubmitAsync(List<TableTransactionAction> actions, CancellationToken ct)
    {
        if (actions.Count == 0) return true;
        if (actions.Count > MaxActions) throw new InvalidOperationException($"An entity-group transaction holds at most {MaxActions} rows.");
        try
        {
            var response = await table.SubmitTransactionAsync(actions, ct);
            // Each written entity learns its new ETag, so the caller can write it again without reading it first.
            for (var i = 0; i < actions.Count; i++)
            {
                if (actions[i].ActionType != TableTransactionActionType.Delete && response.Value[i].Headers.ETag is { } etag)
                    actions[i].Entity.ETag = etag;
            }
            return true;
        }
        catch (RequestFailedException e) when (e.IsLostRace()) // TableTransactionFailedException included
        {
            return false;
        }
    }
}
