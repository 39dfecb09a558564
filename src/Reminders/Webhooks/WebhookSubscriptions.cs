using Azure;
using Microsoft.Extensions.Options;
using Reminders.Security;
using Reminders.Storage;

namespace Reminders.Webhooks;

/// <summary>
/// Clinics' receivers (one row each, in the clinic's partition of the Webhooks table), and the index of which clinics
/// have one (<see cref="WebhookClinicIndex"/>), kept in step.
/// </summary>
public sealed class WebhookSubscriptions(ReminderTables tables, WebhookClinicIndex index, SealedTokens sealing, IOptions<WebhookOptions> options, TimeProvider time)
{
    private const string SecretPurpose = "webhook-secret";

    /// <summary>The clinic's receiver as stored now, or null.</summary>
    public async Task<WebhookSubscriptionEntity?> FindAsync(string clinicId, CancellationToken ct)
    {
        await tables.EnsureCreatedAsync(ct);
        var row = await tables.Webhooks.GetEntityIfExistsAsync<WebhookSubscriptionEntity>(clinicId, WebhookSubscriptionEntity.Row, cancellationToken: ct);
        return row.HasValue ? row.Value : null;
    }

    /// <summary>
    /// True when the clinic has a receiver (enabled or not: events of a disabled one are recorded, for replay). No
    /// storage request for most calls: see <see cref="WebhookClinicIndex"/>.
    /// </summary>
    public ValueTask<bool> WantsEventsAsync(string clinicId, CancellationToken ct) => index.ContainsAsync(clinicId, ct);

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
            if (await TryWriteAsync(row, ct))
            {
                // After the row: a clinic in the index without a row only costs a dropped event, never a lost one.
                await index.AddAsync(clinicId, ct); // also repairs a set interrupted before it

                return (row, secret, created);
            }
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
            // A secret sealed under an older Reminders:LinkSigningKey can sign nothing: it is not kept.
            var readable = sealing.Unseal(SecretPurpose, row.SealedSecret) is not null;
            row.SealedPreviousSecret = readable ? row.SealedSecret : null;
            row.PreviousSecretUntil = readable ? now + options.Value.PreviousSecretOverlap : null;
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
        await index.RemoveAsync(clinicId, ct);
        // The SDK answers a missing row's 404 without throwing.
        var response = await tables.Webhooks.DeleteEntityAsync(clinicId, WebhookSubscriptionEntity.Row, ETag.All, ct);
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

    /// <summary>
    /// The secrets that sign a delivery now: the current one, and the previous one during its overlap. Null when the
    /// current one cannot be unsealed (<c>Reminders:LinkSigningKey</c> changed since it was made): the clinic must rotate it.
    /// </summary>
    public IReadOnlyList<string>? SigningSecrets(WebhookSubscriptionEntity row)
    {
        if (sealing.Unseal(SecretPurpose, row.SealedSecret) is not { } current) return null;
        var secrets = new List<string> { current };
        if (row.SealedPreviousSecret is not null && row.PreviousSecretUntil > time.GetUtcNow()
            && sealing.Unseal(SecretPurpose, row.SealedPreviousSecret) is { } previous)
            secrets.Add(previous);
        return secrets;
    }

    private string Seal(string secret) => sealing.Seal(SecretPurpose, secret);

    private async Task<bool> TryWriteAsync(WebhookSubscriptionEntity row, CancellationToken ct)
    {
        await tables.EnsureCreatedAsync(ct);
        try
        {
            var response = row.ETag == default
                ? await tables.Webhooks.AddEntityAsync(row, ct)
                : await tables.Webhooks.UpdateEntityAsync(row, row.ETag, Azure.Data.Tables.TableUpdateMode.Replace, ct);
            row.ETag = response.Headers.ETag ?? row.ETag;
            return true;
        }
        catch (RequestFailedException e) when (e.IsLostRace())
        {
            return false;
        }
    }
}
