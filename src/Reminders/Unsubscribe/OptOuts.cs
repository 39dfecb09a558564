using Azure.Data.Tables;
using Reminders.Storage;

namespace Reminders.Unsubscribe;

/// <summary>Opt-outs per (clinic, normalised address). Only the patient, through a signed link, changes them.</summary>
public sealed class OptOuts(ReminderTables tables, TimeProvider time)
{
    public async Task<bool> IsOptedOutAsync(string clinicId, string email, CancellationToken ct) =>
        await IsOptedOutByHashAsync(clinicId, UnsubscribeTokens.AddressHash(clinicId, email), ct);

    public async Task<bool> IsOptedOutByHashAsync(string clinicId, string addressHash, CancellationToken ct)
    {
        await tables.EnsureCreatedAsync(ct);
        var row = await tables.OptOuts.GetEntityIfExistsAsync<OptOutEntity>(clinicId, addressHash, cancellationToken: ct);
        return row.HasValue && row.Value!.OptedOut;
    }

    /// <summary>Records the choice; repeating it changes nothing but the time.</summary>
    public async Task SetAsync(UnsubscribeTokens.Claims claims, bool optedOut, CancellationToken ct)
    {
        await tables.EnsureCreatedAsync(ct);
        await tables.OptOuts.UpsertEntityAsync(new OptOutEntity
        {
            PartitionKey = claims.ClinicId,
            RowKey = claims.AddressHash,
            OptedOut = optedOut,
            ChangedAt = time.GetUtcNow(),
            PatientId = claims.PatientId,
        }, TableUpdateMode.Replace, ct);
    }
}
