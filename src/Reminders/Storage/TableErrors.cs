using Azure;
using Azure.Data.Tables;

namespace Reminders.Storage;

internal static class TableErrors
{
    public static bool IsNotFound(this RequestFailedException e) => e.Status == 404;

    /// <summary>412 (ETag mismatch) or 409 (insert of an existing row): someone else wrote first.</summary>
    public static bool IsConflict(this RequestFailedException e) => e.Status is 409 or 412;

    /// <summary>An entity-group transaction refused because a row changed, appeared or vanished since it was read.</summary>
    public static bool IsLostRace(this RequestFailedException e) => e.Status is 404 or 409 or 412;

    /// <summary>Deletes a row if it still carries <paramref name="etag"/>; false when it is gone or was rewritten meanwhile.</summary>
    public static async Task<bool> TryDeleteAsync(this TableClient table, string partitionKey, string rowKey, ETag etag, CancellationToken ct)
    {
        try
        {
            await table.DeleteEntityAsync(partitionKey, rowKey, etag, ct);
            return true;
        }
        catch (RequestFailedException e) when (e.IsNotFound() || e.Status == 412)
        {
            return false;
        }
    }
}
