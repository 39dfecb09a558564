using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Reminders.Email;
using Reminders.Patients;
using Reminders.Plan;
using Reminders.Storage;

namespace Reminders.Sweep;

/// <summary>
/// Settles messages a provider accepted but had not finished (ACS operations): a later Failed status marks the
/// reminder Failed with the provider's error. Nothing is re-sent automatically.
/// </summary>
public sealed class DeliverySettlement(ReminderTables tables, PatientRecords records, IEmailSender sender, TimeProvider time, ILogger<DeliverySettlement> logger)
{
    /// <summary>At most this many status checks per run, to stay inside the provider's status-check quota.</summary>
    public const int MaxChecksPerRun = 100;

    /// <summary>A message whose status is still unknown after this long is left as Sent, marked unconfirmed, and no longer asked about.</summary>
    public static readonly TimeSpan GiveUpAfter = TimeSpan.FromDays(2);

    internal async Task TrackAsync(SessionEntity session, string providerMessageId, DateTimeOffset acceptedAt, CancellationToken ct) =>
        await tables.Unsettled.UpsertEntityAsync(new UnsettledEntity
        {
            RowKey = session.ReminderId.ToString(),
            ClinicId = session.PartitionKey,
            PatientId = session.PatientId,
            SessionId = session.SessionId,
            ProviderMessageId = providerMessageId,
            AcceptedAt = acceptedAt,
        }, TableUpdateMode.Replace, ct);

    /// <summary>Asks for the final status of up to <see cref="MaxChecksPerRun"/> accepted messages; returns how many turned out Failed.</summary>
    internal async Task<int> SettleAsync(DateTimeOffset deadline, CancellationToken ct)
    {
        if (sender is not IDeliveryStatusChecker checker) return 0;
        var failed = 0;
        var checks = 0;
        await foreach (var row in tables.Unsettled.QueryAsync<UnsettledEntity>(e => e.PartitionKey == UnsettledEntity.Partition, cancellationToken: ct))
        {
            if (checks++ >= MaxChecksPerRun || time.GetUtcNow() >= deadline) break;
            var status = await checker.CheckAsync(row.ProviderMessageId, ct);
            if (status.State is DeliveryState.Running or DeliveryState.Unknown)
            {
                if (time.GetUtcNow() - row.AcceptedAt < GiveUpAfter) continue;
                status = new DeliveryStatus(DeliveryState.Unknown); // give up asking; the reminder stays Sent
            }

            var record = await records.LoadAsync(row.ClinicId, row.PatientId, ct);
            var session = record.Session(row.SessionId);
            if (session is not null && session.ReminderId.ToString() == row.RowKey && session.Status == ReminderStatus.Sent)
            {
                session.ProviderStatus = status.State == DeliveryState.Unknown ? "Unconfirmed" : status.State.ToString();
                if (status.State == DeliveryState.Failed)
                {
                    session.Decide(ReminderStatus.Failed, status.ErrorCode ?? "DeliveryFailed",
                        $"The email provider accepted the message, then failed it: {status.Error}", time.GetUtcNow());
                    failed++;
                }
                if (!await records.TrySaveSessionAsync(session, ct)) continue; // changed meanwhile; check again next run
            }
            await PatientRecords.DeleteIfPresentAsync(tables.Unsettled, row.PartitionKey, row.RowKey, ct);
        }
        if (failed > 0) logger.LogWarning("{Failed} accepted messages failed at the provider", failed);
        return failed;
    }
}
