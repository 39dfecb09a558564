using Azure;
using Reminders.Storage;

namespace Reminders.Clinics;

/// <summary>Stores clinics and finds them by id or by API key.</summary>
public sealed class ClinicDirectory(ReminderTables tables, ClinicKeys keys, ApiKeyCache cache, TimeProvider time)
{
    /// <summary>
    /// How long a clinic found by its API key is remembered (<see cref="ApiKeyCache"/>). A settings change or a
    /// revocation reaches this instance at once and other instances within this time (a reminder planned meanwhile
    /// under older settings is re-planned before it is sent).
    /// </summary>
    public static TimeSpan KeyCacheTime => ApiKeyCache.Lifetime;

    public async Task<Clinic?> FindAsync(string clinicId, CancellationToken ct)
    {
        await tables.EnsureCreatedAsync(ct);
        var row = await tables.Clinics.GetEntityIfExistsAsync<ClinicEntity>(ClinicEntity.Partition, clinicId, cancellationToken: ct);
        return row.HasValue ? row.Value!.ToClinic() : null;
    }

    /// <summary>
    /// The clinic whose key this is. On a cache miss two point reads: the key row (by the id in the key, then a
    /// constant-time hash compare; a legacy key by its hash) and the clinic row.
    /// </summary>
    public async Task<Clinic?> FindByApiKeyAsync(string apiKey, CancellationToken ct)
    {
        // Not a key at all: no storage read. A key that matched nothing a moment ago: none either (ApiKeyCache).
        if (!ApiKey.IsWellFormed(apiKey)) return null;
        var hash = ApiKey.Hash(apiKey);
        if (cache.Find(hash) is { } cached) return cached;
        if (cache.IsKnownUnknown(hash)) return null;
        var lookup = cache.BeginLookup();
        var found = await ReadByApiKeyAsync(apiKey, hash, ct);
        if (found is null) cache.RememberUnknown(hash, lookup);
        else cache.Remember(hash, found, lookup);
        return found;
    }

    private async Task<Clinic?> ReadByApiKeyAsync(string apiKey, string hash, CancellationToken ct)
    {
        await tables.EnsureCreatedAsync(ct);

        string clinicId;
        var id = ApiKey.IdOf(apiKey);
        if (id is not null)
        {
            var key = await tables.ApiKeys.GetEntityIfExistsAsync<ClinicKeyEntity>(id, ClinicKeyEntity.Row, cancellationToken: ct);
            if (!key.HasValue || !ApiKey.Matches(apiKey, key.Value!.Hash)) return null;
            clinicId = key.Value.ClinicId;
        }
        else
        {
            var key = await tables.ApiKeys.GetEntityIfExistsAsync<ApiKeyEntity>(hash, ApiKeyEntity.Row, cancellationToken: ct);
            if (!key.HasValue) return null;
            clinicId = key.Value!.ClinicId;
        }
        var clinic = await tables.Clinics.GetEntityIfExistsAsync<ClinicEntity>(ClinicEntity.Partition, clinicId, cancellationToken: ct);
        if (!clinic.HasValue) return null;
        // A legacy key works while the clinic row names it: a key row left by an interrupted create, or a revoked
        // legacy key, matches no clinic.
        if (id is null && clinic.Value!.ApiKeyHash != hash) return null;
        return clinic.Value!.ToClinic();
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
                    var planChanged = row.ReliefDays != clinic.ReliefDays || row.RemindDaysBefore != clinic.RemindDaysBefore ||
                                      row.ClosedWeekdays != clinic.ClosedDays.WeekdaysText || row.ClosedDates != clinic.ClosedDays.DatesText;
                    row.Apply(clinic);
                    if (planChanged) row.PlanVersion++;
                    row.UpdatedAt = now;
                    await tables.Clinics.UpdateEntityAsync(row, row.ETag, Azure.Data.Tables.TableUpdateMode.Replace, ct);
                    // Re-saving never touches keys: every key keeps working, and none is shown again.
                    cache.ForgetClinic(clinic.Id);
                    return new Saved(clinic with { PlanVersion = row.PlanVersion }, null, planChanged, await keys.ListAsync(row, ct));
                }

                // The ApiKeyHash of the clinic row is for keys from before key ids only; a new clinic's first key is an issued one.
                var created = new ClinicEntity { ApiKeyHash = "", CreatedAt = now, UpdatedAt = now };
                created.Apply(clinic);
                // Key rows first: a crash in between leaves an unused key, never a clinic without a key.
                var issued = await keys.WriteNewKeyAsync(clinic.Id, ct);
                try
                {
                    await tables.Clinics.AddEntityAsync(created, ct);
                }
                catch (RequestFailedException e) when (e.IsConflict())
                {
                    await keys.DeleteRowsAsync(clinic.Id, issued.Id, ct);
                    throw;
                }
                return new Saved(clinic with { PlanVersion = 0 }, issued, false,
                    [new ClinicKeys.KeyView(issued.Id, issued.Prefix, issued.CreatedAt)]);
            }
            catch (RequestFailedException e) when (e.IsConflict() && attempt < 4)
            {
                // Another request wrote this clinic first; read it again and apply ours on top.
            }
        }
    }

    /// <param name="NewKey">The new clinic's key, shown once; null when an existing clinic was updated.</param>
    /// <param name="PlanChanged">reliefDays or remindDaysBefore changed: pending reminders are to be re-planned.</param>
    /// <param name="Keys">The clinic's keys, without secrets.</param>
    public sealed record Saved(Clinic Clinic, ClinicKeys.IssuedKey? NewKey, bool PlanChanged, IReadOnlyList<ClinicKeys.KeyView> Keys);
}

/// <summary>The clinics, and the ids of rows that could not be read.</summary>
public sealed record ClinicList(IReadOnlyDictionary<string, Clinic> Clinics, IReadOnlyList<string> Unreadable);
