using System.Collections.Concurrent;
using Azure;
using Microsoft.Extensions.Options;
using Reminders.Security;
using Reminders.Storage;

namespace Reminders.Webhooks;

/// <summary>
/// Clinics' receivers. Whether a clinic has one is asked on every patient write that changes a reminder's status, so
/// the answer is cached for <see cref="CacheLifetime"/> per instance: a clinic without a receiver costs no storage
/// request, and a receiver set on another instance starts getting events within that time.
/// </summary>
public sealed class WebhookSubscriptions(ReminderTables tables, SealedTokens sealing, IOptions<WebhookOptions> options, TimeProvider time)
{
    public static readonly TimeSpan CacheLifetime = TimeSpan.FromSeconds(30);
    private const string SecretPurpose = "webhook-secret";

    private readonly ConcurrentDictionary<string, (WebhookSubscriptionEntity? Row, DateTimeOffset Until)> _cache = new(StringComparer.Ordinal);

    /// <summary>The clinic's receiver as stored now (no cache), or null.</summary>
    public async Task<WebhookSubscriptionEntity?> FindAsync(string clinicId, CancellationToken ct)
    {
        await tables.EnsureCreatedAsync(ct);
        var row = await tables.Webhooks.GetEntityIfExistsAsync<WebhookSubscriptionEntity>(clinicId, WebhookSubscriptionEntity.Row, cancellationToken: ct);
        var found = row.HasValue ? row.Value : null;
        _cache[clinicId] = (found, time.GetUtcNow() + CacheLifetime);
        return found;
    }

    /// <summary>
    /// True when the clinic has a receiver set (enabled or not: events of a disabled one are kept, for replay). A
    /// sweep's parallel senders asking at once share one read.
    /// </summary>
    public async ValueTask<bool> WantsEventsAsync(string clinicId, CancellationToken ct)
    {
        if (_cache.TryGetValue(clinicId, out var cached) && cached.Until > time.GetUtcNow()) return cached.Row is not null;
        var lookup = _lookups.GetOrAdd(clinicId, id => new Lazy<Task<WebhookSubscriptionEntity?>>(() => FindAsync(id, CancellationToken.None)));
        try
        {
            return await lookup.Value.WaitAsync(ct) is not null;
        }
        finally
        {
            _lookups.TryRemove(KeyValuePair.Create(clinicId, lookup));
        }
    }

    private readonly ConcurrentDictionary<string, Lazy<Task<WebhookSubscriptionEntity?>>> _lookups = new(StringComparer.Ordinal);

    /// <summary>Sets the URL (and enables it). A new receiver gets a secret, returned once; an existing one keeps its secret.</summary>
    public async Task<(WebhookSubscriptionEntity Row, string? NewSecret, bool Created)> SetUrlAsync(string clinicId, string url, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            var now = time.GetUtcNow();
            var row = await FindAsync(clinicId, ct);
            string? secret = null;
            var created = row is null;
            if (row is null)
            {
                secret = WebhookSignature.NewSecret();
                row = new WebhookSubscriptionEntity { PartitionKey = clinicId, SealedSecret = Seal(secret), SecretCreatedAt = now, CreatedAt = now };
            }
            row.Url = url;
            row.DisabledAt = null;
            row.DisabledReason = null;
            row.DisabledByEvent = null;
            row.UpdatedAt = now;
            if (await TryWriteAsync(row, ct)) return (row, secret, created);
            if (attempt >= 4) throw new Sessions.ConcurrencyException("The webhook kept changing; try again.");
        }
    }

    /// <summary>A new secret, returned once; the old one signs beside it for <c>PreviousSecretOverlap</c>. Null: no receiver.</summary>
    public async Task<(WebhookSubscriptionEntity Row, string Secret)?> RotateSecretAsync(string clinicId, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            var row = await FindAsync(clinicId, ct);
            if (row is null) return null;
            var now = time.GetUtcNow();
            var secret = WebhookSignature.NewSecret();
            row.SealedPreviousSecret = row.SealedSecret;
            row.PreviousSecretUntil = now + options.Value.PreviousSecretOverlap;
            row.SealedSecret = Seal(secret);
            row.SecretCreatedAt = now;
            row.UpdatedAt = now;
            if (await TryWriteAsync(row, ct)) return (row, secret);
            if (attempt >= 4) throw new Sessions.ConcurrencyException("The webhook kept changing; try again.");
        }
    }

    /// <summary>False when there was none.</summary>
    public async Task<bool> DeleteAsync(string clinicId, CancellationToken ct)
    {
        await tables.EnsureCreatedAsync(ct);
        // The SDK answers a missing row's 404 without throwing.
        var response = await tables.Webhooks.DeleteEntityAsync(clinicId, WebhookSubscriptionEntity.Row, ETag.All, ct);
        _cache.TryRemove(clinicId, out _);
        return response.Status != 404;
    }

    /// <summary>Marks the receiver disabled, if it is still the one <paramref name="url"/> names (not one set since).</summary>
    public async Task DisableAsync(string clinicId, string url, string eventId, string reason, CancellationToken ct)
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var row = await FindAsync(clinicId, ct);
            if (row is null || row.Url != url || !row.IsEnabled) return;
            row.DisabledAt = time.GetUtcNow();
            row.DisabledReason = reason;
            row.DisabledByEvent = eventId;
            if (await TryWriteAsync(row, ct)) return;
        }
    }

    /// <summary>The secrets that sign a delivery now: the current one, and the previous one during its overlap.</summary>
    public IReadOnlyList<string> SigningSecrets(WebhookSubscriptionEntity row)
    {
        var secrets = new List<string> { Unseal(row.SealedSecret) };
        if (row.SealedPreviousSecret is not null && row.PreviousSecretUntil > time.GetUtcNow()) secrets.Add(Unseal(row.SealedPreviousSecret));
        return secrets;
    }

    private string Seal(string secret) => sealing.Seal(SecretPurpose, secret);

    private string Unseal(string sealedSecret) =>
        sealing.Unseal(SecretPurpose, sealedSecret)
        ?? throw new InvalidOperationException("A webhook secret could not be unsealed: Reminders:LinkSigningKey changed since it was made. Rotate the secret.");

    private async Task<bool> TryWriteAsync(WebhookSubscriptionEntity row, CancellationToken ct)
    {
        await tables.EnsureCreatedAsync(ct);
        try
        {
            var response = row.ETag == default
                ? await tables.Webhooks.AddEntityAsync(row, ct)
                : await tables.Webhooks.UpdateEntityAsync(row, row.ETag, Azure.Data.Tables.TableUpdateMode.Replace, ct);
            row.ETag = response.Headers.ETag ?? row.ETag;
            _cache[row.PartitionKey] = (row, time.GetUtcNow() + CacheLifetime);
            return true;
        }
        catch (RequestFailedException e) when (e.IsLostRace())
        {
            return false;
        }
    }
}
