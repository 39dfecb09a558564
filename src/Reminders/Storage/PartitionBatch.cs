using Azure;
using Azure.Data.Tables;

namespace Reminders.Storage;

/// <summary>
/// Writes to one partition that commit together or not at all (an entity-group transaction, at most 100 rows).
/// Conditional writes carry the ETag that was read, so a batch built from a stale read fails as a whole.
/// </summary>
public sealed class PartitionBatch(TableClient table)
{
    public const int MaxActions = 100;

    private readonly List<TableTransactionAction> _actions = [];

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

    /// <summary>Commits; false when any row changed, appeared or vanished since it was read (nothing is written then).</summary>
    public async Task<bool> TrySubmitAsync(CancellationToken ct)
    {
        if (_actions.Count == 0) return true;
        if (_actions.Count > MaxActions) throw new InvalidOperationException($"An entity-group transaction holds at most {MaxActions} rows.");
        try
        {
            var response = await table.SubmitTransactionAsync(_actions, ct);
            // Each written entity learns its new ETag, so the caller can write it again without reading it first.
            for (var i = 0; i < _actions.Count; i++)
            {
                if (_actions[i].ActionType != TableTransactionActionType.Delete && response.Value[i].Headers.ETag is { } etag)
                    _actions[i].Entity.ETag = etag;
            }
            return true;
        }
        catch (RequestFailedException e) when (e.IsLostRace()) // TableTransactionFailedException included
        {
            return false;
        }
    }
}
