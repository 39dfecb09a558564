using Azure;
using Reminders.Storage;

namespace Reminders.Clinics;

/// <summary>Stores clinics and finds them by id or by API key.</summary>
public sealed class ClinicDirectory(ReminderTables tables, TimeProvider time)
{
    /// <summary>
    /// How long a clinic found by its API key is remembered: every clinic call authenticates, and two storage reads per
    /// request would halve what registration can carry. A settings change reaches this instance at once and other
    /// instances within this time (a reminder planned meanwhile under older settings is re-planned before it is sent).
    /// </summary>
    public static readonly TimeSpan KeyCacheTime = TimeSpan.FromSeconds(30);

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (Clinic Clinic, DateTimeOffset Until)> _byKeyHash = new(StringComparer.Ordinal);

    public async Task<Clinic?> FindAsync(string clinicId, CancellationToken ct)
    {
        await tables.EnsureCreatedAsync(ct);
        var row = await tables.Clinics.GetEntityIfExistsAsync<ClinicEntity>(ClinicEntity.Partition, clinicId, cancellationToken: ct);
        return row.HasValue ? row.Value!.ToClinic() : null;
    }

    public async Task<Clinic?> FindByApiKeyAsync(string apiKey, CancellationToken ct)
    {
        var hash = ApiKey.Hash(apiKey);
        if (_byKeyHash.TryGetValue(hash, out var cached) && cached.Until > time.GetUtcNow()) return cached.Clinic;
        await tables.EnsureCreatedAsync(ct);
        var key = await tables.ApiKeys.GetEntityIfExistsAsync<ApiKeyEntity>(hash, ApiKeyEntity.Row, cancellationToken: ct);
        if (!key.HasValue) return null;
        var clinic = await tables.Clinics.GetEntityIfExistsAsync<ClinicEntity>(ClinicEntity.Partition, key.Value!.ClinicId, cancellationToken: ct);
        // The clinic row remembers its current key; a key row left by an interrupted create matches no clinic.
        if (!clinic.HasValue || clinic.Value!.ApiKeyHash != key.Value.PartitionKey) return null;
        var found = clinic.Value.ToClinic();
        _byKeyHash[hash] = (found, time.GetUtcNow() + KeyCacheTime);
        return found;
    }

    /// <summary>Every clinic. A row that cannot be read (a time zone this machine does not know) is listed apart, not thrown: one bad clinic must not stop the others' reminders.</summary>
    public async Task<ClinicList> ListAsync(CancellationToken ct)
    {
        await tables.EnsureCreatedAsync(ct);
        var clinics = new Dictionary<string, Clinic>(StringComparer.Ordinal);
        var unreadable = new List<string>();
        await foreach (var row in tables.Clinics.QueryAsync<ClinicEntity>(e => e.PartitionKey == ClinicEntity.Partition, cancellationToken: ct))
        {
            try
            {
                clinics[row.RowKey] = row.ToClinic();
            }
            catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException or UriFormatException or ArgumentException or FormatException)
            {
                unreadable.Add(row.RowKey);
            }
        }
        return new ClinicList(clinics, unreadable);
    }

    /// <summary>
    /// Creates the clinic with a new API key (returned once), or replaces its settings and keeps its key (null). A
    /// change of reliefDays or remindDaysBefore raises the plan version; <see cref="Saved.Clinic"/> is what was stored.
    /// </summary>
    public async Task<Saved> SaveAsync(Clinic clinic, CancellationToken ct)
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
                    var planChanged = row.ReliefDays != clinic.ReliefDays || row.RemindDaysBefore != clinic.RemindDaysBefore;
                    row.Apply(clinic);
                    if (planChanged) row.PlanVersion++;
                    row.UpdatedAt = now;
                    await tables.Clinics.UpdateEntityAsync(row, row.ETag, Azure.Data.Tables.TableUpdateMode.Replace, ct);
                    _byKeyHash.TryRemove(row.ApiKeyHash, out _);
                    return new Saved(clinic with { PlanVersion = row.PlanVersion }, null, planChanged);
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
                return new Saved(clinic with { PlanVersion = 0 }, apiKey, false);
            }
            catch (RequestFailedException e) when (e.IsConflict() && attempt < 4)
            {
                // Another request wrote this clinic first; read it again and apply ours on top.
            }
        }
    }

    /// <param name="ApiKey">The new clinic's key, shown once; null when an existing clinic was updated.</param>
    /// <param name="PlanChanged">reliefDays or remindDaysBefore changed: pending reminders are to be re-planned.</param>
    public sealed record Saved(Clinic Clinic, string? ApiKey, bool PlanChanged);
}

/// <summary>The clinics, and the ids of rows that could not be read.</summary>
public sealed record ClinicList(IReadOnlyDictionary<string, Clinic> Clinics, IReadOnlyList<string> Unreadable);
