using Microsoft.Extensions.Logging;
using Reminders.Clinics;
using Reminders.Email;
using Reminders.Patients;
using Reminders.Plan;

namespace Reminders.Sweep;

/// <summary>
/// Settles messages a provider accepted but had not finished (ACS operations): a later Failed status marks the
/// reminder Failed with the provider's error. Nothing is re-sent automatically. One failing check or write is logged
/// and counted; the others go on.
/// </summary>
public sealed class DeliverySettlement(PatientRecords records, IEmailSender sender, TimeProvider time, ILogger<DeliverySettlement> logger)
{
    /// <summary>At most this many status checks per run, to stay inside the provider's status-check quota.</summary>
    public const int MaxChecksPerRun = 100;

    /// <summary>A message whose status is still unknown after this long is left as Sent, marked unconfirmed, and no longer asked about.</summary>
    public static readonly TimeSpan GiveUpAfter = TimeSpan.FromDays(2);

    /// <summary>Asks for the final status of up to <see cref="MaxChecksPerRun"/> accepted messages; returns (failed, errors).</summary>
    internal async Task<(int Failed, int Errors)> SettleAsync(IEnumerable<Clinic> clinics, DateTimeOffset deadline, CancellationToken ct)
    {
        if (sender is not IDeliveryStatusChecker checker) return (0, 0);
        int failed = 0, errors = 0, checks = 0;
        // A different clinic first each run, so messages still running at one clinic cannot hold the others' back for ever.
        var ordered = clinics.ToList();
        var start = ordered.Count == 0 ? 0 : Random.Shared.Next(ordered.Count);
        foreach (var clinic in ordered.Skip(start).Concat(ordered.Take(start)))
        {
            await foreach (var marker in records.RowsWithPrefixAsync<UnsettledMarker>(clinic.Id, UnsettledMarker.Prefix, null, ct))
            {
                if (checks++ >= MaxChecksPerRun || time.GetUtcNow() >= deadline) return Done();
                try
                {
                    if (await SettleOneAsync(checker, marker, ct)) failed++;
                }
                catch (Azure.RequestFailedException e)
                {
                    errors++;
                    logger.LogWarning(e, "Delivery status of reminder {ReminderId} could not be recorded (storage answered {Status}); asked again next run",
                        marker.ReminderId, e.Status);
                }
            }
        }
        return Done();

        (int, int) Done()
        {
            if (failed > 0) logger.LogWarning("{Failed} accepted messages failed at the provider", failed);
            return (failed, errors);
        }
    }

    /// <summary>True when the message turned out Failed.</summary>
    private async Task<bool> SettleOneAsync(IDeliveryStatusChecker checker, UnsettledMarker marker, CancellationToken ct)
    {
        var status = await checker.CheckAsync(marker.ProviderMessageId, ct);
        if (status.State is DeliveryState.Running or DeliveryState.Unknown)
        {
            if (time.GetUtcNow() - marker.AcceptedAt < GiveUpAfter) return false;
            status = new DeliveryStatus(DeliveryState.Unknown); // give up asking; the reminder stays Sent
        }

        for (var attempt = 0; attempt < 5; attempt++)
        {
            var record = await records.LoadSessionAsync(marker.PartitionKey, marker.PatientId, marker.SessionId, ct);
            var session = record.Session(marker.SessionId);
            var batch = records.NewBatch();
            batch.Delete(marker.PartitionKey, marker.RowKey, Azure.ETag.All);
            var applies = session is not null && session.ReminderId == marker.ReminderId && session.Status == ReminderStatus.Sent;
            if (applies)
            {
                session!.ProviderStatus = status.State == DeliveryState.Unknown ? "Unconfirmed" : status.State.ToString();
                if (status.State == DeliveryState.Failed)
                    session.Decide(ReminderStatus.Failed, status.ErrorCode ?? "DeliveryFailed",
                        $"The email provider accepted the message, then failed it: {status.Error}", time.GetUtcNow());
                PatientRecords.PutSession(batch, session);
            }
            else if (session is not null && status.State == DeliveryState.Failed && ReminderSteps.FailStep(session, marker.ReminderId, status.ErrorCode ?? "DeliveryFailed",
                         $"The email provider accepted the message, then failed it: {status.Error}"))
            {
                // An earlier step of a sequence (the session has moved on): its entry in the history says so.
                applies = true;
                PatientRecords.PutSession(batch, session);
            }
            if (await batch.TrySubmitAsync(ct)) return applies && status.State == DeliveryState.Failed;
        }
        return false; // kept changing: asked again next run
    }
}
