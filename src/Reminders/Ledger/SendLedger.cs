using Azure;
using Microsoft.Extensions.Options;
using Reminders.Configuration;
using Reminders.Email;
using Reminders.Storage;

namespace Reminders.Ledger;

/// <summary>
/// The send ledger: the one record of what was handed to a provider. A reminder is claimed here (create-only row, or
/// an ETag-conditional update once an earlier claim has ended) before any provider call, and the provider's answer is
/// written back here. An id already Accepted is never claimed again, whatever happened to its session since.
/// </summary>
public sealed class SendLedger(ReminderTables tables, IOptions<RemindersOptions> options, TimeProvider time)
{
    /// <summary>The wait before the one retry of an unclear attempt made through another provider than today's.</summary>
    public static readonly TimeSpan UnclearRetryDelayAfterSwitch = TimeSpan.FromHours(1);

    public async Task<LedgerEntry?> FindAsync(Guid reminderId, CancellationToken ct)
    {
        await tables.EnsureCreatedAsync(ct);
        var row = await tables.Ledger.GetEntityIfExistsAsync<LedgerEntry>(reminderId.ToString("D"), LedgerEntry.Row, cancellationToken: ct);
        return row.HasValue ? row.Value : null;
    }

    /// <summary>Claims the reminder for one attempt by <paramref name="runId"/>, or says why not.</summary>
    public async Task<LedgerClaim> ClaimAsync(Guid reminderId, string runId, SenderTraits sender, CancellationToken ct, string? clinicId = null)
    {
        await tables.EnsureCreatedAsync(ct);
        var now = time.GetUtcNow();
        var lease = options.Value.ClaimLease;
        var first = new LedgerEntry
        {
            PartitionKey = reminderId.ToString("D"), Provider = sender.Provider, Attempts = 1,
            FirstAttemptAt = now, LastAttemptAt = now, ClaimedBy = runId, ClaimedUntil = now + lease, ClinicId = clinicId,
        };
        try
        {
            first.ETag = (await tables.Ledger.AddEntityAsync(first, ct)).Headers.ETag ?? default;
            return new LedgerClaim(ClaimKind.Claimed, first, PreviousAttemptUnclear: false);
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
        }

        var entry = await FindAsync(reminderId, ct);
        if (entry is null) return new LedgerClaim(ClaimKind.Busy, null, false); // cannot happen: ledger rows are never deleted
        switch (entry.Outcome)
        {
            case LedgerOutcome.Accepted:
                return new LedgerClaim(ClaimKind.AlreadyAccepted, entry, false);
            case LedgerOutcome.Rejected or LedgerOutcome.Failed:
                return new LedgerClaim(ClaimKind.AlreadyFinal, entry, false);
            case LedgerOutcome.InFlight when entry.ClaimedUntil > now:
                return new LedgerClaim(ClaimKind.Busy, entry, false);
        }

        // An expired InFlight claim is a sender that died mid-send: its outcome is as unclear as a timeout's. Only the
        // provider the unclear attempt went to can say what became of it: after a switch of provider, nobody can.
        var unclear = entry.Outcome is LedgerOutcome.Unknown or LedgerOutcome.InFlight;
        var canConfirm = sender.CanConfirmEarlierAttempt && entry.Provider == sender.Provider;
        var retryDelay = sender.CanConfirmEarlierAttempt ? UnclearRetryDelayAfterSwitch : sender.UnclearRetryDelay;
        if (entry.Outcome == LedgerOutcome.InFlight)
        {
            entry.UnclearAttempts++;
            // A provider that can be asked is asked first on the next attempt, so a sender that died does not use one up:
            // a process killed over and over never turns a delivered reminder into a failed one.
            if (canConfirm) entry.Attempts = Math.Max(0, entry.Attempts - 1);
        }
        var giveUp =
            unclear && !canConfirm && entry.UnclearAttempts >= 2 ? LedgerReason.DeliveryUnknown :
            entry.Attempts >= options.Value.MaxAttempts ? (unclear ? LedgerReason.DeliveryUnknown : LedgerReason.AttemptsExhausted) :
            null;
        if (giveUp is not null)
        {
            entry.Outcome = LedgerOutcome.Failed;
            entry.ErrorCode = giveUp;
            entry.OutcomeAt = now;
            entry.ClaimedBy = null;
            entry.ClaimedUntil = null;
            return await TryUpdateAsync(entry, ct) ? new LedgerClaim(ClaimKind.GaveUp, entry, unclear) : new LedgerClaim(ClaimKind.Busy, entry, false);
        }
        // A provider that cannot be asked gets one more try with the same Message-ID, and only after a while.
        if (unclear && !canConfirm && now < entry.LastAttemptAt + retryDelay)
            return new LedgerClaim(ClaimKind.NotYet, entry, true);

        entry.Attempts++;
        entry.ClinicId ??= clinicId;
        entry.Provider = sender.Provider;
        entry.LastAttemptAt = now;
        entry.ClaimedBy = runId;
        entry.ClaimedUntil = now + lease;
        entry.Outcome = LedgerOutcome.InFlight;
        return await TryUpdateAsync(entry, ct) ? new LedgerClaim(ClaimKind.Claimed, entry, unclear) : new LedgerClaim(ClaimKind.Busy, entry, false);
    }

    /// <summary>
    /// Writes the provider's answer to a claimed attempt and returns the entry as it now stands. If the claim expired and
    /// another attempt took over meanwhile, an acceptance still wins: the ledger never forgets a message that went out.
    /// </summary>
    public async Task<LedgerEntry> RecordAsync(LedgerClaim claim, EmailSendResult result, SenderTraits sender, CancellationToken ct)
    {
        var entry = claim.Entry!;
        for (var attempt = 0; attempt < 10; attempt++)
        {
            Apply(entry, result, sender, claim.PreviousAttemptUnclear);
            if (await TryUpdateWithRetriesAsync(entry, ct))
            {
                await RecordMessageIdAsync(entry, ct);
                return entry;
            }
            var current = await FindAsync(entry.ReminderId, ct) ?? entry;
            if (result.Outcome != EmailSendOutcome.Accepted || current.Outcome == LedgerOutcome.Accepted) return current;
            entry = current;
        }
        throw new RequestFailedException(412, "The ledger entry kept changing while an acceptance was being recorded.");
    }

    private void Apply(LedgerEntry entry, EmailSendResult result, SenderTraits sender, bool previousUnclear)
    {
        entry.ClaimedBy = null;
        entry.ClaimedUntil = null;
        entry.OutcomeAt = time.GetUtcNow();
        entry.ErrorCode = result.ErrorCode;
        switch (result.Outcome)
        {
            case EmailSendOutcome.Accepted:
                entry.Outcome = LedgerOutcome.Accepted;
                entry.ProviderMessageId = result.ProviderMessageId;
                entry.ErrorCode = null;
                break;
            case EmailSendOutcome.Rejected:
                entry.Outcome = LedgerOutcome.Rejected;
                break;
            case EmailSendOutcome.Unknown:
                entry.UnclearAttempts++;
                var cannotAsk = !sender.CanConfirmEarlierAttempt && entry.UnclearAttempts >= 2;
                if (cannotAsk || entry.Attempts >= options.Value.MaxAttempts)
                {
                    entry.Outcome = LedgerOutcome.Failed;
                    entry.ErrorCode = LedgerReason.DeliveryUnknown;
                }
                else entry.Outcome = LedgerOutcome.Unknown;
                break;
            default:
                // Transient or Misconfigured: nothing left us this time, so the attempt does not count against the cap.
                // An earlier unclear attempt this one could not resolve (ACS could not be asked) stays unclear.
                if (entry.Outcome == LedgerOutcome.InFlight) entry.Attempts = Math.Max(0, entry.Attempts - 1);
                entry.Outcome = previousUnclear ? LedgerOutcome.Unknown : LedgerOutcome.NotSent;
                break;
        }
    }

    /// <summary>
    /// The ACS operation id is the reminder id (the Operation-Id we send), so a delivery report finds the ledger entry by
    /// its own key. Only if ACS ever answered with another id is a lookup row written (one extra write, that send only).
    /// </summary>
    private async Task RecordMessageIdAsync(LedgerEntry entry, CancellationToken ct)
    {
        if (entry.Outcome != LedgerOutcome.Accepted || entry.Provider != AcsProvider || entry.ProviderMessageId is not { } id) return;
        if (Guid.TryParse(id, out var g) && g == entry.ReminderId) return;
        try
        {
            await tables.Ledger.UpsertEntityAsync(new Azure.Data.Tables.TableEntity(MessageIdPartition(id), LedgerEntry.Row)
            {
                ["ReminderId"] = entry.PartitionKey,
            }, Azure.Data.Tables.TableUpdateMode.Replace, ct);
        }
        catch (RequestFailedException)
        {
            // Its delivery reports are then ignored (and counted); the send itself stands.
        }
    }

    /// <summary>The ledger's name for ACS (<see cref="SenderTraits.Provider"/>): only its sends get delivery reports.</summary>
    public const string AcsProvider = "Acs";

    private static string MessageIdPartition(string messageId) => "acs|" + messageId;

    /// <summary>The ledger entry of the message a provider knows by <paramref name="messageId"/>, or null.</summary>
    public async Task<LedgerEntry?> FindByMessageIdAsync(string messageId, CancellationToken ct)
    {
        await tables.EnsureCreatedAsync(ct);
        if (Guid.TryParse(messageId, out var reminderId)
            && await FindAsync(reminderId, ct) is { Outcome: LedgerOutcome.Accepted } own)
            return own; // the ACS operation id we send is the reminder id
        if (messageId.Length > 200 || messageId.IndexOfAny(['/', '\\', '#', '?']) >= 0 || messageId.Any(char.IsControl)) return null;
        var lookup = await tables.Ledger.GetEntityIfExistsAsync<Azure.Data.Tables.TableEntity>(MessageIdPartition(messageId), LedgerEntry.Row, cancellationToken: ct);
        if (!lookup.HasValue || !Guid.TryParse(lookup.Value!.GetString("ReminderId"), out var id)) return null;
        return await FindAsync(id, ct);
    }

    /// <summary>
    /// Records a delivery report on the entry: the latest by the report's own time wins (ETag-conditional, again on
    /// 412); an older or repeated report changes nothing. True when this report is now the entry's delivery state.
    /// </summary>
    public async Task<bool> RecordDeliveryAsync(LedgerEntry entry, string status, DateTimeOffset at, string? reason, CancellationToken ct)
    {
        for (var attempt = 0; attempt < 10; attempt++)
        {
            if (entry.DeliveryAt is { } known && known >= at) return false;
            entry.Delivery = status;
            entry.DeliveryAt = at;
            entry.DeliveryReason = reason;
            if (await TryUpdateAsync(entry, ct)) return true;
            entry = await FindAsync(entry.ReminderId, ct) ?? throw new RequestFailedException(404, "The ledger entry is gone.");
        }
        throw new RequestFailedException(412, "The ledger entry kept changing while a delivery report was being recorded.");
    }

    /// <summary>
    /// The write that records a provider's answer: a storage hiccup must not leave an accepted message looking like an
    /// attempt that died, so it is tried a few times (real time, whatever clock the service runs on) before giving up.
    /// </summary>
    private async Task<bool> TryUpdateWithRetriesAsync(LedgerEntry entry, CancellationToken ct)
    {
        var pauses = new[] { TimeSpan.Zero, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3) };
        for (var i = 0; ; i++)
        {
            try
            {
                return await TryUpdateAsync(entry, ct);
            }
            catch (RequestFailedException e) when (e.Status != 412 && i < pauses.Length - 1)
            {
                await Task.Delay(pauses[i + 1], CancellationToken.None);
            }
        }
    }

    private async Task<bool> TryUpdateAsync(LedgerEntry entry, CancellationToken ct)
    {
        try
        {
            entry.ETag = (await tables.Ledger.UpdateEntityAsync(entry, entry.ETag, Azure.Data.Tables.TableUpdateMode.Replace, ct)).Headers.ETag ?? default;
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 412)
        {
            return false;
        }
    }

    /// <summary>
    /// A claim held on a session row before the ledger existed (the migration): entered as an attempt in flight
    /// (create-only), so it is respected while it lasts and treated as unclear after.
    /// </summary>
    internal async Task RecordHistoricClaimAsync(Guid reminderId, string provider, int attempts, DateTimeOffset? claimedUntil, DateTimeOffset at, CancellationToken ct)
    {
        try
        {
            await tables.Ledger.AddEntityAsync(new LedgerEntry
            {
                PartitionKey = reminderId.ToString("D"), Provider = provider, Attempts = Math.Max(1, attempts), FirstAttemptAt = at, LastAttemptAt = at,
                Outcome = LedgerOutcome.InFlight, ClaimedBy = "schema-1", ClaimedUntil = claimedUntil ?? at,
            }, ct);
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
        }
    }

    /// <summary>Records acceptances known from before the ledger existed (the migration): create-only, never overwrites.</summary>
    internal async Task RecordHistoricAcceptanceAsync(Guid reminderId, string? providerMessageId, DateTimeOffset at, CancellationToken ct)
    {
        try
        {
            await tables.Ledger.AddEntityAsync(new LedgerEntry
            {
                PartitionKey = reminderId.ToString("D"), Provider = "Migrated", Attempts = 1, FirstAttemptAt = at, LastAttemptAt = at,
                Outcome = LedgerOutcome.Accepted, OutcomeAt = at, ProviderMessageId = providerMessageId,
            }, ct);
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
        }
    }
}

/// <summary>The result of trying to claim a reminder in the ledger.</summary>
/// <param name="PreviousAttemptUnclear">An earlier attempt may have reached the provider: ask it before sending again.</param>
public sealed record LedgerClaim(ClaimKind Kind, LedgerEntry? Entry, bool PreviousAttemptUnclear);

public enum ClaimKind
{
    /// <summary>Ours to send, until the lease ends.</summary>
    Claimed,
    /// <summary>A provider already took it: never hand it over again; record the session Sent.</summary>
    AlreadyAccepted,
    /// <summary>Rejected or given up before: record the session Failed.</summary>
    AlreadyFinal,
    /// <summary>This claim just gave up (attempt cap, or an outcome that can never be known): record the session Failed.</summary>
    GaveUp,
    /// <summary>Another sender holds it right now, or won the race to claim it.</summary>
    Busy,
    /// <summary>An unclear attempt that cannot be checked waits before its one retry.</summary>
    NotYet,
}
