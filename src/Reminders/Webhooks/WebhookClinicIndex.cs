using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Reminders.Storage;

namespace Reminders.Webhooks;

/// <summary>
/// Which clinics have a receiver: one row for all of them, read at most once per <see cref="CacheLifetime"/> per
/// instance, whatever the number of clinics. So a status change or a sweep costs a clinic without a receiver no
/// storage request at all. Set and removed with the receiver; a receiver set on another instance starts getting
/// events within <see cref="CacheLifetime"/>.
/// </summary>
public sealed class WebhookClinicIndex(ReminderTables tables, TimeProvider time, ILogger<WebhookClinicIndex> logger)
{
    public static readonly TimeSpan CacheLifetime = TimeSpan.FromSeconds(30);
    private const string Partition = "~index", Row = "clinics", Property = "Clinics";

    private volatile Snapshot? _snapshot;
    private Lazy<Task<Snapshot>>? _loading;
    private readonly Lock _gate = new();

    private sealed record Snapshot(HashSet<string> Clinics, DateTimeOffset Until);

    /// <summary>
    /// True when the clinic has a receiver. If the index cannot be read, true: an event row written for nothing is
    /// dropped later, an event not written is lost.
    /// </summary>
    public async ValueTask<bool> ContainsAsync(string clinicId, CancellationToken ct)
    {
        if (_snapshot is { } s && s.Until > time.GetUtcNow()) return s.Clinics.Contains(clinicId);
        Lazy<Task<Snapshot>> loading;
        lock (_gate) loading = _loading ??= new Lazy<Task<Snapshot>>(LoadAsync);
        try
        {
            return (await loading.Value.WaitAsync(ct)).Clinics.Contains(clinicId);
        }
        catch (RequestFailedException e)
        {
            logger.LogWarning(e, "The webhook index could not be read; events are written for clinic {ClinicId} in case it has a receiver", clinicId);
            return true;
        }
        finally
        {
            lock (_gate) if (ReferenceEquals(_loading, loading)) _loading = null;
        }
    }

    public Task AddAsync(string clinicId, CancellationToken ct) => ChangeAsync(set => set.Add(clinicId), ct);

    public Task RemoveAsync(string clinicId, CancellationToken ct) => ChangeAsync(set => set.Remove(clinicId), ct);

    private async Task<Snapshot> LoadAsync()
    {
        var (clinics, _) = await ReadAsync(CancellationToken.None);
        var snapshot = new Snapshot(clinics, time.GetUtcNow() + CacheLifetime);
        _snapshot = snapshot;
        return snapshot;
    }

    private async Task<(HashSet<string> Clinics, ETag? ETag)> ReadAsync(CancellationToken ct)
    {
        await tables.EnsureCreatedAsync(ct);
        var row = await tables.Webhooks.GetEntityIfExistsAsync<TableEntity>(Partition, Row, cancellationToken: ct);
        if (!row.HasValue) return ([], null);
        var text = row.Value!.GetString(Property) ?? "";
        return (text.Split(';', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal), row.Value.ETag);
    }

    private async Task ChangeAsync(Func<HashSet<string>, bool> change, CancellationToken ct)
    {
        for (var attempt = 0; attempt < 10; attempt++)
        {
            var (clinics, etag) = await ReadAsync(ct);
            if (!change(clinics)) break;
            var row = new TableEntity(Partition, Row) { [Property] = string.Join(';', clinics.Order(StringComparer.Ordinal)) };
            try
            {
                if (etag is { } e) await tables.Webhooks.UpdateEntityAsync(row, e, TableUpdateMode.Replace, ct);
                else await tables.Webhooks.AddEntityAsync(row, ct);
                break;
            }
            catch (RequestFailedException x) when (x.IsLostRace())
            {
                // Another clinic's change landed first: read it and apply this one on top.
            }
        }
        _snapshot = null; // this instance sees its own change at once
    }
}
