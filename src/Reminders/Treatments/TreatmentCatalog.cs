using System.Collections.Concurrent;
using Azure.Data.Tables;
using Reminders.Storage;

namespace Reminders.Treatments;

/// <summary>
/// Clinics' treatments. Registration asks for a session's treatment, so reads are cached per instance for
/// <see cref="CacheLifetime"/>: a treatment changed on another instance applies to new sessions within that time.
/// </summary>
public sealed class TreatmentCatalog(ReminderTables tables, TimeProvider time)
{
    public static readonly TimeSpan CacheLifetime = TimeSpan.FromSeconds(30);
    public const int MaxPerClinic = 50;

    private readonly ConcurrentDictionary<string, (Treatment? Treatment, DateTimeOffset Until)> _cache = new(StringComparer.Ordinal);

    public async Task<Treatment?> FindAsync(string clinicId, string treatmentId, CancellationToken ct)
    {
        var key = TreatmentEntity.RowFor(clinicId, treatmentId);
        if (_cache.TryGetValue(key, out var cached) && cached.Until > time.GetUtcNow()) return cached.Treatment;
        await tables.EnsureCreatedAsync(ct);
        var row = await tables.Clinics.GetEntityIfExistsAsync<TreatmentEntity>(TreatmentEntity.Partition, key, cancellationToken: ct);
        var treatment = row.HasValue ? row.Value!.ToTreatment() : null;
        _cache[key] = (treatment, time.GetUtcNow() + CacheLifetime);
        return treatment;
    }

    public async Task<IReadOnlyList<Treatment>> ListAsync(string clinicId, CancellationToken ct)
    {
        await tables.EnsureCreatedAsync(ct);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {TreatmentEntity.Partition} and RowKey ge {clinicId + "|"} and RowKey lt {clinicId + "}"}");
        var list = new List<Treatment>();
        await foreach (var row in tables.Clinics.QueryAsync<TreatmentEntity>(filter, cancellationToken: ct)) list.Add(row.ToTreatment());
        return list;
    }

    /// <summary>Creates or replaces the treatment; false when the clinic already has <see cref="MaxPerClinic"/> others.</summary>
    public async Task<(bool Saved, bool Created)> SaveAsync(string clinicId, Treatment treatment, CancellationToken ct)
    {
        var existing = await ListAsync(clinicId, ct);
        var created = existing.All(t => t.TreatmentId != treatment.TreatmentId);
        if (created && existing.Count >= MaxPerClinic) return (false, false);
        var row = new TreatmentEntity
        {
            RowKey = TreatmentEntity.RowFor(clinicId, treatment.TreatmentId), Name = treatment.Name, ReliefDays = treatment.ReliefDays,
            MinReliefDays = treatment.MinReliefDays, MaxReliefDays = treatment.MaxReliefDays, NameInEmail = treatment.NameInEmail,
            ReminderSteps = Plan.ReminderSteps.Write(treatment.Steps), UpdatedAt = time.GetUtcNow(),
        };
        await tables.Clinics.UpsertEntityAsync(row, TableUpdateMode.Replace, ct);
        _cache[row.RowKey] = (treatment, time.GetUtcNow() + CacheLifetime);
        return (true, created);
    }
}
