using Azure;
using Azure.Data.Tables;
using Reminders.Storage;

namespace Reminders.Clinics;

/// <summary>
/// A clinic's API keys: several may work at once (one per system, or an old and a new one while rotating), each
/// named by its id. Issuing and revoking are the admin's; nothing else changes keys, so a lost key is replaced by
/// issuing another, never by re-creating the clinic.
/// </summary>
public sealed class ClinicKeys(ReminderTables tables, ApiKeyCache cache, TimeProvider time)
{
    /// <summary>The id under which a key from before key ids (the clinic row's ApiKeyHash) is listed and revoked.</summary>
    public const string LegacyId = "legacy";

    /// <summary>Enough for one key per connected system and a rotation; keeps a listing one small query.</summary>
    public const int MaxKeysPerClinic = 10;

    /// <param name="ApiKey">The key itself: in this response only, never stored.</param>
    public sealed record IssuedKey(string Id, string Prefix, string ApiKey, DateTimeOffset CreatedAt, string Scope = Clinics.ApiKey.IntegrationScope);

    /// <param name="Prefix">The start of the key ("rk_ab12cd34"); null for the legacy key, of which nothing is kept but a hash.</param>
    public sealed record KeyView(string Id, string? Prefix, DateTimeOffset CreatedAt, bool Legacy = false, string Scope = Clinics.ApiKey.IntegrationScope);

    public enum IssueError { None, NoClinic, TooMany }

    /// <summary>A new key for an existing clinic; its <see cref="IssueError"/> otherwise.</summary>
    public async Task<(IssuedKey? Key, IssueError Error)> IssueAsync(string clinicId, CancellationToken ct, bool staff = false)
    {
        var clinic = await ReadClinicAsync(clinicId, ct);
        if (clinic is null) return (null, IssueError.NoClinic);
        if ((await ListAsync(clinic, ct)).Count >= MaxKeysPerClinic) return (null, IssueError.TooMany);
        var issued = await WriteNewKeyAsync(clinicId, ct, staff);
        // Two issues may both have counted MaxKeysPerClinic - 1. Counting again after writing, each sees at least the
        // keys written before its own: whichever sees too many takes its key back (never shown, so never used).
        if ((await ListAsync(clinic, ct)).Count > MaxKeysPerClinic)
        {
            await DeleteRowsAsync(clinicId, issued.Id, ct);
            return (null, IssueError.TooMany);
        }
        return (issued, IssueError.None);
    }

    /// <summary>
    /// Writes a new key's rows (the clinic row is the caller's): the listing row first, so a crash in between leaves
    /// a listed key that does not work, which can be revoked, never a working key that nobody can see.
    /// </summary>
    public async Task<IssuedKey> WriteNewKeyAsync(string clinicId, CancellationToken ct, bool staff = false)
    {
        await tables.EnsureCreatedAsync(ct);
        for (var attempt = 0; ; attempt++)
        {
            var (id, key) = ApiKey.Generate(staff);
            var now = time.GetUtcNow();
            var listing = new ClinicKeyListingEntity
            {
                PartitionKey = ClinicKeyListingEntity.PartitionOf(clinicId), RowKey = id, CreatedAt = now, Scope = staff ? ApiKey.StaffScope : null,
            };
            var listed = false;
            try
            {
                await tables.ApiKeys.AddEntityAsync(listing, ct);
                listed = true;
                await tables.ApiKeys.AddEntityAsync(new ClinicKeyEntity { PartitionKey = id, ClinicId = clinicId, Hash = ApiKey.Hash(key), CreatedAt = now }, ct);
                // A revocation may have taken the listing row (the id was visible there) before the key row existed:
                // then this key must not work. RevokeAsync looks again for the key row after it, for the other order.
                if (!(await tables.ApiKeys.GetEntityIfExistsAsync<ClinicKeyListingEntity>(listing.PartitionKey, listing.RowKey, cancellationToken: ct)).HasValue)
                {
                    await DeleteAsync(id, ClinicKeyEntity.Row, ct);
                    if (attempt < 3) continue;
                    throw new InvalidOperationException("Each key issued for the clinic was revoked while it was being issued.");
                }
                return new IssuedKey(id, ApiKey.DisplayPrefix(id, staff), key, now, staff ? ApiKey.StaffScope : ApiKey.IntegrationScope);
            }
            catch (RequestFailedException e) when (e.IsConflict() && attempt < 3)
            {
                // Another key has this id (40 random bits: rare): draw another.
                if (listed) await DeleteAsync(listing.PartitionKey, listing.RowKey, ct);
            }
        }
    }

    /// <summary>Undoes <see cref="WriteNewKeyAsync"/> for a clinic that was not created after all. Key row first, as in a revocation.</summary>
    public async Task DeleteRowsAsync(string clinicId, string id, CancellationToken ct)
    {
        await DeleteAsync(id, ClinicKeyEntity.Row, ct);
        await DeleteAsync(ClinicKeyListingEntity.PartitionOf(clinicId), id, ct);
    }

    /// <summary>The clinic's keys without secrets, oldest first; null when there is no such clinic. One point read and one partition query.</summary>
    public async Task<IReadOnlyList<KeyView>?> ListAsync(string clinicId, CancellationToken ct)
    {
        var clinic = await ReadClinicAsync(clinicId, ct);
        return clinic is null ? null : await ListAsync(clinic, ct);
    }

    public async Task<IReadOnlyList<KeyView>> ListAsync(ClinicEntity clinic, CancellationToken ct)
    {
        await tables.EnsureCreatedAsync(ct);
        var issued = new List<KeyView>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {ClinicKeyListingEntity.PartitionOf(clinic.RowKey)}");
        await foreach (var row in tables.ApiKeys.QueryAsync<ClinicKeyListingEntity>(filter, cancellationToken: ct))
            issued.Add(new KeyView(row.RowKey, ApiKey.DisplayPrefix(row.RowKey, row.Scope == ApiKey.StaffScope), row.CreatedAt,
                Scope: row.Scope ?? ApiKey.IntegrationScope));
        // A clinic created before key ids has its one key on the clinic row: listed first (it is the oldest), and
        // revoked, like the others.
        var keys = string.IsNullOrEmpty(clinic.ApiKeyHash) ? new List<KeyView>() : [new KeyView(LegacyId, null, clinic.CreatedAt, Legacy: true)];
        keys.AddRange(issued.OrderBy(k => k.CreatedAt).ThenBy(k => k.Id, StringComparer.Ordinal));
        return keys;
    }

    /// <summary>
    /// Revokes the key: it stops working at once on this instance, and on others when their cache entry ends (at most
    /// <see cref="ApiKeyCache.Lifetime"/>). False when the clinic has no such key. Repeating it is harmless.
    /// </summary>
    public async Task<bool> RevokeAsync(string clinicId, string id, CancellationToken ct)
    {
        await tables.EnsureCreatedAsync(ct);
        if (id == LegacyId) return await RevokeLegacyAsync(clinicId, ct);

        var row = await tables.ApiKeys.GetEntityIfExistsAsync<ClinicKeyEntity>(id, ClinicKeyEntity.Row, cancellationToken: ct);
        // Another clinic's key row under this id is not this caller's to revoke; this clinic's listing row of the id
        // (left by an issue that was interrupted after an id collision) is still deleted below, so no listed key is
        // one that cannot be revoked.
        var matches = row.HasValue && row.Value!.ClinicId == clinicId;
        if (matches)
        {
            await DeleteAsync(id, ClinicKeyEntity.Row, ct);
            cache.ForgetKey(row.Value!.Hash);
        }
        // The listing row last: an interrupted revocation leaves a listed key that no longer works, and repeating it finishes.
        var listed = await DeleteAsync(ClinicKeyListingEntity.PartitionOf(clinicId), id, ct);
        if (listed && !row.HasValue)
        {
            // Listed but no key row yet: an issue in progress. If its key row arrived meanwhile, it goes too (if it
            // arrives later, the issue finds its listing row gone and deletes it itself).
            var late = await tables.ApiKeys.GetEntityIfExistsAsync<ClinicKeyEntity>(id, ClinicKeyEntity.Row, cancellationToken: ct);
            if (late.HasValue && late.Value!.ClinicId == clinicId)
            {
                await DeleteAsync(id, ClinicKeyEntity.Row, ct);
                cache.ForgetKey(late.Value.Hash);
            }
        }
        return matches || listed;
    }

    private async Task<bool> RevokeLegacyAsync(string clinicId, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            var clinic = await ReadClinicAsync(clinicId, ct);
            if (clinic is null || string.IsNullOrEmpty(clinic.ApiKeyHash)) return false;
            var hash = clinic.ApiKeyHash;
            clinic.ApiKeyHash = "";
            try
            {
                // The clinic row decides whether the legacy key works; its key row is only the way to find the clinic.
                await tables.Clinics.UpdateEntityAsync(clinic, clinic.ETag, TableUpdateMode.Replace, ct);
            }
            catch (RequestFailedException e) when (e.IsConflict() && attempt < 4)
            {
                continue; // a settings change wrote the row meanwhile: read it again
            }
            cache.ForgetKey(hash);
            await DeleteAsync(hash, ApiKeyEntity.Row, ct);
            return true;
        }
    }

    /// <summary>Deletes an ApiKeys row; false when it was not there (the table client answers that with a 404 response, not an exception).</summary>
    private async Task<bool> DeleteAsync(string partitionKey, string rowKey, CancellationToken ct)
    {
        try
        {
            return (await tables.ApiKeys.DeleteEntityAsync(partitionKey, rowKey, ETag.All, ct)).Status != 404;
        }
        catch (RequestFailedException e) when (e.IsNotFound())
        {
            return false;
        }
    }

    private async Task<ClinicEntity?> ReadClinicAsync(string clinicId, CancellationToken ct)
    {
        await tables.EnsureCreatedAsync(ct);
        var row = await tables.Clinics.GetEntityIfExistsAsync<ClinicEntity>(ClinicEntity.Partition, clinicId, cancellationToken: ct);
        return row.HasValue ? row.Value : null;
    }
}
