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

    /// <summary>Commits; false when any row changed, appeared or vanished since it was read (nothing is written then).</summary>
    public async Task<bool> TrySubmitAsync(CancellationToken ct)
    {
        var events = await EventsAsync(ct);
        var actions = _actions;
        // Events ride in the transaction while it has room; past 100 rows (rare: a cancel restoring many sessions)
        // they are relayed right after it, without the crash-proof row.
        var inTransaction = _actions.Count + events.Rows.Count <= MaxActions;
        if (inTransaction && events.Rows.Count > 0)
            actions = [.. _actions, .. events.Rows.Select(r => new TableTransactionAction(TableTransactionActionType.UpsertReplace, r))];
        if (!await TrySubmitAsync(actions, ct)) return false;
        foreach (var session in _announced) session.DecisionChanged = false;
        if (events.Outbox.Count > 0) await outbox!.RelayAsync(events.Outbox, inTransaction, ct);
        return true;
    }

    private async Task<(List<ITableEntity> Rows, List<WebhookOutboxEntity> Outbox)> EventsAsync(CancellationToken ct)
    {
        var rows = new List<ITableEntity>();
        var events = new List<WebhookOutboxEntity>();
        var telling = _announced.Where(s => s.DecisionChanged).ToList();
        if (telling.Count == 0 || !await outbox!.WantsAsync(telling[0].PartitionKey, ct)) return (rows, events);
        foreach (var session in telling)
        {
            if (WebhookOutboxEntity.ForDecision(session) is not { } e) continue;
            events.Add(e);
            rows.Add(e);
            if (session.Status == Plan.ReminderStatus.Sent)
                rows.Add(new SentReminderEntity
                {
                    PartitionKey = session.PartitionKey, RowKey = SentReminderEntity.RowFor(session.ReminderId),
                    PatientId = session.PatientId, SessionId = session.SessionId,
                });
        }
        return (rows, events);
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
