using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Reminders.Storage;

namespace Reminders.Dispatch;

/// <summary>
/// A dispatch message that failed too often. Its reminders are not lost: they stay pending, their due rows are
/// released from the plan so the next sweep plans them again, and a log line counts them (no personal data).
/// </summary>
public sealed class PoisonDispatch(ReminderTables tables, ILogger<PoisonDispatch> logger)
{
    public async Task RecordAsync(string text, CancellationToken ct)
    {
        var message = DispatchMessage.Parse(text);
        if (message is null)
        {
            logger.LogWarning("An unreadable dispatch message reached the poison queue; it held no reminder this version can read");
            return;
        }
        var released = 0;
        foreach (var item in message.Items)
        {
            // With the ETag it was planned with: a row changed since belongs to someone else now.
            var row = new TableEntity(item.PartitionKey, Plan.DueEntity.RowFor(item.ClinicId, item.PatientId, item.SessionId))
            {
                // A merge cannot remove a property: a time long past releases the row just the same.
                ["PlannedUntil"] = DateTimeOffset.UnixEpoch, ETag = new Azure.ETag(item.ETag),
            };
            try
            {
                await tables.Due.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Merge, ct);
                released++;
            }
            catch (Azure.RequestFailedException e) when (e.IsConflict() || e.IsNotFound())
            {
            }
        }
        logger.LogWarning(
            "Dispatch message of run {RunId} failed too often: its {Count} reminders stay pending and are planned again by the next sweep ({Released} released at once)",
            message.RunId, message.Items.Count, released);
    }
}
