using Azure;
using Azure.Data.Tables;
using Reminders.Patients;
using Reminders.Storage;

namespace Reminders.Unsubscribe;

/// <summary>Opt-outs per (clinic, keyed address hash). Only the patient, through a signed link, changes them.</summary>
public sealed class OptOuts(ReminderTables tables, AddressHashes hashes, PatientRecords records, TimeProvider time)
{
    public async Task<bool> IsOptedOutAsync(string clinicId, string email, CancellationToken ct)
    {
        var keyed = IsOptedOutByHashAsync(clinicId, hashes.Keyed(clinicId, email), ct);
        var legacy = IsOptedOutByHashAsync(clinicId, AddressHashes.Legacy(clinicId, email), ct);
        return await keyed || await legacy;
    }

    public async Task<bool> IsOptedOutByHashAsync(string clinicId, string addressHash, CancellationToken ct)
    {
        await tables.EnsureCreatedAsync(ct);
        var row = await tables.OptOuts.GetEntityIfExistsAsync<OptOutEntity>(clinicId, addressHash, cancellationToken: ct);
        return row.HasValue && row.Value!.OptedOut;
    }

    /// <summary>Every opt-out of one clinic, read once for a whole batch of its reminders (one query instead of one read each).</summary>
    public async Task<OptOutSet> LoadClinicAsync(string clinicId, CancellationToken ct)
    {
        await tables.EnsureCreatedAsync(ct);
        var optedOut = new HashSet<string>(StringComparer.Ordinal);
        var bounced = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var row in tables.OptOuts.QueryAsync<OptOutEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {clinicId}"), cancellationToken: ct))
        {
            if (row.RowKey.StartsWith(BounceEntity.Prefix, StringComparison.Ordinal)) bounced.Add(row.RowKey[BounceEntity.Prefix.Length..]);
            else if (row.OptedOut) optedOut.Add(row.RowKey);
        }
        return new OptOutSet(clinicId, optedOut, hashes, bounced);
    }

    /// <summary>
    /// The provider reported a hard bounce or a suppressed address: this clinic's reminders to that address stop (the
    /// keyed hash only, never the address). Survives erasure; a new address is another hash, so it clears it.
    /// </summary>
    public async Task RecordBounceAsync(string clinicId, string addressHash, string reason, DateTimeOffset at, CancellationToken ct)
    {
        await tables.EnsureCreatedAsync(ct);
        await tables.OptOuts.UpsertEntityAsync(new BounceEntity
        {
            PartitionKey = clinicId, RowKey = BounceEntity.Prefix + addressHash, Reason = reason, BouncedAt = at, ChangedAt = time.GetUtcNow(),
        }, TableUpdateMode.Replace, ct);
    }

    public string AddressHash(string clinicId, string email) => hashes.Keyed(clinicId, email);

    public async Task<bool> IsBouncedAsync(string clinicId, string email, CancellationToken ct)
    {
        await tables.EnsureCreatedAsync(ct);
        var row = await tables.OptOuts.GetEntityIfExistsAsync<BounceEntity>(clinicId, BounceEntity.Prefix + hashes.Keyed(clinicId, email), cancellationToken: ct);
        return row.HasValue;
    }

    /// <summary>The clinic checked the address and lifts the bounce; false when there was none.</summary>
    public async Task<bool> LiftBounceAsync(string clinicId, string email, CancellationToken ct)
    {
        await tables.EnsureCreatedAsync(ct);
        try
        {
            await tables.OptOuts.DeleteEntityAsync(clinicId, BounceEntity.Prefix + hashes.Keyed(clinicId, email), Azure.ETag.All, ct);
            return true;
        }
        catch (Azure.RequestFailedException e) when (e.IsNotFound())
        {
            return false;
        }
    }

    /// <summary>
    /// Records the choice. True only for the call that changed it: repeating it (a second click, a mail client's
    /// one-click POST racing the patient's) changes nothing, and of two racing calls one sees the other's write.
    /// </summary>
    public async Task<bool> SetAsync(UnsubscribeTokens.Claims claims, bool optedOut, CancellationToken ct)
    {
        await tables.EnsureCreatedAsync(ct);
        var rowKey = await StorageHashAsync(claims, ct);
        for (var attempt = 0; ; attempt++)
        {
            var current = await tables.OptOuts.GetEntityIfExistsAsync<OptOutEntity>(claims.ClinicId, rowKey, cancellationToken: ct);
            if (current.HasValue && current.Value!.OptedOut == optedOut) return false;
            var row = new OptOutEntity
            {
                PartitionKey = claims.ClinicId, RowKey = rowKey, OptedOut = optedOut, ChangedAt = time.GetUtcNow(), PatientId = claims.PatientId,
            };
            try
            {
                if (current.HasValue) await tables.OptOuts.UpdateEntityAsync(row, current.Value!.ETag, TableUpdateMode.Replace, ct);
                else await tables.OptOuts.AddEntityAsync(row, ct);
                return true;
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412 && attempt < 5)
            {
                // Someone else wrote it meanwhile: read what they wrote.
            }
        }
    }

    public async Task<bool> IsOptedOutAsync(UnsubscribeTokens.Claims claims, CancellationToken ct) =>
        await IsOptedOutByHashAsync(claims.ClinicId, await StorageHashAsync(claims, ct), ct);

    /// <summary>
    /// The row a link's choice is stored under. An old link carries the unkeyed hash: when it still matches the
    /// patient's address on file, the keyed hash is used instead, so new rows are keyed wherever that is possible.
    /// </summary>
    private async Task<string> StorageHashAsync(UnsubscribeTokens.Claims claims, CancellationToken ct)
    {
        if (!claims.Legacy) return claims.AddressHash;
        var patient = (await records.LoadAsync(claims.ClinicId, claims.PatientId, ct)).Patient;
        return patient is not null && AddressHashes.Legacy(claims.ClinicId, patient.Email) == claims.AddressHash
            ? hashes.Keyed(claims.ClinicId, patient.Email)
            : claims.AddressHash;
    }

    /// <summary>
    /// An erased patient's id leaves every opt-out row of the clinic that names it (their current address's, and any
    /// earlier address's); the choices themselves stay. One query of the clinic's opt-outs, which are few.
    /// </summary>
    public async Task ForgetPatientAsync(string clinicId, string patientId, CancellationToken ct)
    {
        await tables.EnsureCreatedAsync(ct);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {clinicId} and PatientId eq {patientId}");
        await foreach (var row in tables.OptOuts.QueryAsync<OptOutEntity>(filter, cancellationToken: ct))
        {
            row.PatientId = "";
            try
            {
                await tables.OptOuts.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace, ct);
            }
            catch (Azure.RequestFailedException e) when (e.IsConflict() || e.IsNotFound())
            {
                // The patient changed their choice meanwhile (with their own link): that write carries no erased id.
            }
        }
    }
}

/// <summary>One clinic's opt-outs in memory, for a batch of its reminders.</summary>
public sealed class OptOutSet(string clinicId, IReadOnlySet<string> optedOut, AddressHashes hashes, IReadOnlySet<string>? bounced = null)
{
    /// <summary>Mail to this address bounced hard or is suppressed by the provider (until the clinic lifts it).</summary>
    public bool IsBounced(string email) => bounced is { Count: > 0 } && bounced.Contains(hashes.Keyed(clinicId, email));

    public bool Contains(string email) =>
        optedOut.Count > 0 && (optedOut.Contains(hashes.Keyed(clinicId, email)) || optedOut.Contains(AddressHashes.Legacy(clinicId, email)));
}
