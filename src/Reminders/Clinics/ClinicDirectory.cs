using Azure;
using Reminders.Storage;

namespace Reminders.Clinics;

/// <summary>Stores clinics and finds them by id or by API key.</summary>
public sealed class ClinicDirectory(ReminderTables tables, TimeProvider time)
{
    public async Task<Clinic?> FindAsync(string clinicId, CancellationToken ct)
    {
        await tables.EnsureCreatedAsync(ct);
        var row = await tables.Clinics.GetEntityIfExistsAsync<ClinicEntity>(ClinicEntity.Partition, clinicId, cancellationToken: ct);
        return row.HasValue ? row.Value!.ToClinic() : null;
    }

    public async Task<Clinic?> FindByApiKeyAsync(string apiKey, CancellationToken ct)
    {
        await tables.EnsureCreatedAsync(ct);
        var key = await tables.ApiKeys.GetEntityIfExistsAsync<ApiKeyEntity>(ApiKey.Hash(apiKey), ApiKeyEntity.Row, cancellationToken: ct);
        if (!key.HasValue) return null;
        var clinic = await tables.Clinics.GetEntityIfExistsAsync<ClinicEntity>(ClinicEntity.Partition, key.Value!.ClinicId, cancellationToken: ct);
        // The clinic row remembers its current key; a key row left by an interrupted create matches no clinic.
        return clinic.HasValue && clinic.Value!.ApiKeyHash == key.Value.PartitionKey ? clinic.Value.ToClinic() : null;
    }

    public async Task<IReadOnlyDictionary<string, Clinic>> ListAsync(CancellationToken ct)
    {
        await tables.EnsureCreatedAsync(ct);
        var clinics = new Dictionary<string, Clinic>(StringComparer.Ordinal);
        await foreach (var row in tables.Clinics.QueryAsync<ClinicEntity>(e => e.PartitionKey == ClinicEntity.Partition, cancellationToken: ct))
            clinics[row.RowKey] = row.ToClinic();
        return clinics;
    }

    /// <summary>Creates the clinic with a new API key (returned once), or replaces its settings and keeps its key (null).</summary>
    public async Task<string?> SaveAsync(Clinic clinic, CancellationToken ct)
    {
        await tables.EnsureCreatedAsync(ct);
        for (var attempt = 0; ; attempt++)
        {
            var now = time.GetUtcNow();
            var existing = await tables.Clinics.GetEntityIfExistsAsync<ClinicEntity>(ClinicEntity.Partition, clinic.Id, cancellationToken: ct);
            try
            {
                if (existing.HasValue)
                {
                    var row = existing.Value!;
                    row.Apply(clinic);
                    row.UpdatedAt = now;
                    await tables.Clinics.UpdateEntityAsync(row, row.ETag, Azure.Data.Tables.TableUpdateMode.Replace, ct);
                    return null;
                }

                var apiKey = ApiKey.Generate();
                var created = new ClinicEntity { ApiKeyHash = ApiKey.Hash(apiKey), CreatedAt = now, UpdatedAt = now };
                created.Apply(clinic);
                // Key row first: a crash in between leaves an unused key row, never a clinic without a key.
                await tables.ApiKeys.AddEntityAsync(new ApiKeyEntity { PartitionKey = created.ApiKeyHash, ClinicId = clinic.Id }, ct);
                try
                {
                    await tables.Clinics.AddEntityAsync(created, ct);
                }
                catch (RequestFailedException e) when (e.IsConflict())
                {
                    await tables.ApiKeys.DeleteEntityAsync(created.ApiKeyHash, ApiKeyEntity.Row, ETag.All, ct);
                    throw;
                }
                return apiKey;
            }
            catch (RequestFailedException e) when (e.IsConflict() && attempt < 4)
            {
                // Another request wrote this clinic first; read it again and apply ours on top.
            }
        }
    }
}
