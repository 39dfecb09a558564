using System.Globalization;
using System.Security.Cryptography;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using Reminders.Clinics;
using Reminders.Security;
using Reminders.Storage;
using Reminders.Unsubscribe;

namespace Reminders.Dashboard;

/// <summary>
/// Sign-in links an admin (or the clinic's own system) gives clinic staff, and the staff sessions they start. A link is
/// sealed (clinic, link id, the clinic's revocation count, expiry), opens the dashboard with its token after <c>#</c> (browsers never send that part to a
/// server, so it reaches no log or Referer), works once and for minutes. Redeemed, it yields a session key
/// <c>rt_…</c>: sealed too, staff scope, <see cref="SessionLifetime"/> long, kept by the dashboard in the tab's
/// sessionStorage and sent only in <c>X-Api-Key</c>. Revoking a clinic's sign-ins voids every link and session issued
/// before: at once on this instance, within <see cref="ApiKeyCache.Lifetime"/> on the others. Revocation is a counter,
/// not a time: links and sessions carry the count they were issued under, so no instance's clock decides what it voids.
/// </summary>
public sealed class StaffSignIns(ReminderTables tables, SealedTokens tokens, ClinicDirectory clinics, ApiKeyCache cache,
    IOptions<PatientLinkOptions> links, TimeProvider time)
{
    public const string SessionScheme = "rt_";
    public static readonly TimeSpan DefaultLinkLifetime = TimeSpan.FromMinutes(15);
    public static readonly TimeSpan MaxLinkLifetime = TimeSpan.FromHours(24);
    public static readonly TimeSpan SessionLifetime = TimeSpan.FromHours(8);
    private const string LinkPurpose = "staff-sign-in-link/v1", SessionPurpose = "staff-session/v1";

    public sealed record Link(string Url, DateTimeOffset ExpiresAt);

    /// <param name="SessionKey">The staff credential: send it in <c>X-Api-Key</c> until <paramref name="ExpiresAt"/>.</param>
    public sealed record Session(string SessionKey, DateTimeOffset ExpiresAt, string ClinicId);

    public enum Refusal { None, NotALink, Expired, Used, Revoked }

    public static bool IsSessionKey(string presented) => presented.StartsWith(SessionScheme, StringComparison.Ordinal);

    /// <summary>A new one-use link to the dashboard, or null when there is no such clinic.</summary>
    public async Task<Link?> IssueLinkAsync(string clinicId, TimeSpan lifetime, CancellationToken ct)
    {
        if (await clinics.FindAsync(clinicId, ct) is null) return null;
        await PruneRedemptionsAsync(clinicId, ct);
        var generation = (await RevocationsAsync(clinicId, ct))?.Generation ?? 0;
        var expiresAt = Milliseconds(time.GetUtcNow()) + (long)lifetime.TotalMilliseconds;
        var linkId = Base64Url.Encode(RandomNumberGenerator.GetBytes(16));
        var token = tokens.Seal(LinkPurpose, Join(clinicId, linkId, generation, expiresAt));
        return new Link($"{links.Value.PublicBaseUrl.TrimEnd('/')}/api/dashboard/#sign-in={token}", DateTimeOffset.FromUnixTimeMilliseconds(expiresAt));
    }

    /// <summary>
    /// Redeems a link: a session, or why not. The link's row is inserted only if absent, so of any number of racing
    /// redemptions exactly one gets a session.
    /// </summary>
    public async Task<(Session? Session, Refusal Refusal)> RedeemAsync(string linkToken, CancellationToken ct)
    {
        if (tokens.Unseal(LinkPurpose, linkToken)?.Split('\n') is not [var clinicId, var linkId, var generationText, var expiresText]
            || !TryNumber(generationText, out var generation) || !TryNumber(expiresText, out var expiresAt))
            return (null, Refusal.NotALink);
        var now = time.GetUtcNow();
        if (Milliseconds(now) >= expiresAt) return (null, Refusal.Expired);
        if (await IsRevokedAsync(clinicId, generation, ct) || await clinics.FindAsync(clinicId, ct) is null) return (null, Refusal.Revoked);
        try
        {
            await tables.Clinics.AddEntityAsync(new StaffSignInEntity
            {
                PartitionKey = StaffSignInEntity.PartitionOf(clinicId), RowKey = linkId, At = now,
                LinkExpiresAt = DateTimeOffset.FromUnixTimeMilliseconds(expiresAt),
            }, ct);
        }
        catch (RequestFailedException e) when (e.IsConflict())
        {
            return (null, Refusal.Used);
        }
        // The session carries its link's revocation count: revoking sign-ins voids it with the link, even mid-redemption.
        var sessionExpiresAt = Milliseconds(now + SessionLifetime);
        var key = SessionScheme + tokens.Seal(SessionPurpose, Join(clinicId, linkId, generation, sessionExpiresAt));
        return (new Session(key, DateTimeOffset.FromUnixTimeMilliseconds(sessionExpiresAt), clinicId), Refusal.None);
    }

    /// <summary>
    /// The clinic a session key is for, or null (not one of ours, expired, revoked, or the clinic is gone). Cached
    /// like API keys: on a miss two point reads (the clinic row and its revocation row).
    /// </summary>
    public async Task<Clinic?> AuthenticateAsync(string sessionKey, CancellationToken ct)
    {
        if (tokens.Unseal(SessionPurpose, sessionKey[SessionScheme.Length..])?.Split('\n') is not [var clinicId, _, var generationText, var expiresText]
            || !TryNumber(generationText, out var generation) || !TryNumber(expiresText, out var expiresAt)
            || Milliseconds(time.GetUtcNow()) >= expiresAt)
            return null;
        var hash = ApiKey.Hash(sessionKey);
        if (cache.Find(hash) is { } cached) return cached;
        if (cache.IsKnownUnknown(hash)) return null;
        var lookup = cache.BeginLookup();
        var clinic = await IsRevokedAsync(clinicId, generation, ct) ? null : await clinics.FindAsync(clinicId, ct);
        if (clinic is null) cache.RememberUnknown(hash, lookup);
        else cache.Remember(hash, clinic, lookup);
        return clinic;
    }

    /// <summary>
    /// Voids every link and session of the clinic issued until now: raises the clinic's revocation count, ETag-
    /// conditionally, so racing revocations each raise it and none is lost. False when there is no such clinic.
    /// </summary>
    public async Task<bool> RevokeAsync(string clinicId, CancellationToken ct)
    {
        if (await clinics.FindAsync(clinicId, ct) is null) return false;
        for (var attempt = 0; ; attempt++)
        {
            var current = await RevocationsAsync(clinicId, ct);
            try
            {
                if (current is null)
                    await tables.Clinics.AddEntityAsync(new StaffSignInEntity
                    {
                        PartitionKey = StaffSignInEntity.PartitionOf(clinicId), RowKey = StaffSignInEntity.RevokedRow, At = time.GetUtcNow(), Generation = 1,
                    }, ct);
                else
                {
                    current.Generation++;
                    current.At = time.GetUtcNow();
                    await tables.Clinics.UpdateEntityAsync(current, current.ETag, TableUpdateMode.Replace, ct);
                }
                break;
            }
            catch (RequestFailedException e) when ((e.IsConflict() || e.Status == 412) && attempt < 5)
            {
                // Another revocation got there first: count on top of it.
            }
        }
        cache.ForgetClinic(clinicId);
        return true;
    }

    private async Task<StaffSignInEntity?> RevocationsAsync(string clinicId, CancellationToken ct)
    {
        await tables.EnsureCreatedAsync(ct);
        var row = await tables.Clinics.GetEntityIfExistsAsync<StaffSignInEntity>(StaffSignInEntity.PartitionOf(clinicId), StaffSignInEntity.RevokedRow, cancellationToken: ct);
        return row.HasValue ? row.Value : null;
    }

    private async Task<bool> IsRevokedAsync(string clinicId, long generation, CancellationToken ct) =>
        generation != ((await RevocationsAsync(clinicId, ct))?.Generation ?? 0);

    /// <summary>Redemption rows of links that expired a day ago are dropped when the clinic's next link is issued: they only refuse a link that is void anyway.</summary>
    private async Task PruneRedemptionsAsync(string clinicId, CancellationToken ct)
    {
        var before = time.GetUtcNow().AddDays(-1);
        var partition = StaffSignInEntity.PartitionOf(clinicId);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partition} and LinkExpiresAt lt {before}");
        await foreach (var row in tables.Clinics.QueryAsync<StaffSignInEntity>(filter, select: ["PartitionKey", "RowKey"], cancellationToken: ct))
            await tables.Clinics.DeleteEntityAsync(row.PartitionKey, row.RowKey, ETag.All, ct);
    }

    private static string Join(string clinicId, string linkId, long generation, long expiresAt) =>
        string.Join('\n', clinicId, linkId, generation.ToString(CultureInfo.InvariantCulture), expiresAt.ToString(CultureInfo.InvariantCulture));

    private static long Milliseconds(DateTimeOffset at) => at.ToUnixTimeMilliseconds();

    private static bool TryNumber(string text, out long value) => long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
}
