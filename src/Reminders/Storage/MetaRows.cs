using Azure;
using Azure.Data.Tables;

namespace Reminders.Storage;

/// <summary>The service's own bookkeeping (storage schema version, reconcile progress): rows in partition "meta" of the Clinics table.</summary>
public sealed class MetaRows(ReminderTables tables)
{
    public const string Partition = "meta";

    public async Task<TableEntity> GetAsync(string name, CancellationToken ct)
    {
        await tables.EnsureCreatedAsync(ct);
        var row = await tables.Clinics.GetEntityIfExistsAsync<TableEntity>(Partition, name, cancellationToken: ct);
        return row.HasValue ? row.Value! : new TableEntity(Partition, name);
    }

    /// <summary>Writes the row if nobody else did since it was read; false otherwise.</summary>
    public async Task<bool> TryPutAsync(TableEntity row, CancellationToken ct)
    {
        try
        {
            // A row never read from storage has no timestamp (TableEntity's own ETag is not reliably default).
            if (row.Timestamp is null) await tables.Clinics.AddEntityAsync(row, ct);
            else await tables.Clinics.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace, ct);
            return true;
        }
        catch (RequestFailedException e) when (e.IsConflict())
        {
            return false;
        }
    }
}
