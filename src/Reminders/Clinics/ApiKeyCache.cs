using System.Collections.Concurrent;

namespace Reminders.Clinics;

/// <summary>
/// Clinics found by API key, remembered for <see cref="Lifetime"/>: every clinic call authenticates, and two storage
/// reads per request would halve what registration can carry. A settings change or a revocation reaches this
/// instance at once (the entries are forgotten) and other instances within <see cref="Lifetime"/>.
/// A key that matched nothing is remembered too, for <see cref="UnknownLifetime"/>, so a client repeating a wrong key
/// costs one storage read, not one per call; at most <see cref="MaxUnknown"/> of them (by hash), so a flood of random
/// keys cannot grow memory without bound (past it, expired entries are dropped, and if none are, all are).
/// </summary>
public sealed class ApiKeyCache(TimeProvider time)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(30);

    public static readonly TimeSpan UnknownLifetime = TimeSpan.FromSeconds(30);
    public const int MaxUnknown = 10_000;

    private readonly ConcurrentDictionary<string, (Clinic Clinic, DateTimeOffset Until)> _byKeyHash = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _unknown = new(StringComparer.Ordinal);
    private readonly Lock _trim = new();

    /// <summary>True when this key hash matched nothing a moment ago.</summary>
    public bool IsKnownUnknown(string keyHash) => _unknown.TryGetValue(keyHash, out var until) && until > time.GetUtcNow();

    /// <summary>Remembers that a lookup found nothing, unless a key changed since it began (one just issued must work at once).</summary>
    public void RememberUnknown(string keyHash, Lookup lookup)
    {
        var now = time.GetUtcNow();
        if (_unknown.Count >= MaxUnknown)
        {
            lock (_trim)
            {
                if (_unknown.Count >= MaxUnknown)
                {
                    foreach (var (hash, until) in _unknown)
                        if (until <= now) _unknown.TryRemove(hash, out _);
                    if (_unknown.Count >= MaxUnknown) _unknown.Clear();
                }
            }
        }
        _unknown[keyHash] = lookup.StartedAt + UnknownLifetime;
        if (Interlocked.Read(ref _generation) != lookup.Generation) _unknown.TryRemove(keyHash, out _);
    }

    /// <summary>Entries held for unknown keys (for tests of the bound).</summary>
    internal int UnknownCount => _unknown.Count;

    /// <summary>Counts forgets: a lookup that read storage before a revocation must not cache what it read after it.</summary>
    private long _generation;

    public Clinic? Find(string keyHash) =>
        _byKeyHash.TryGetValue(keyHash, out var cached) && cached.Until > time.GetUtcNow() ? cached.Clinic : null;

    /// <summary>What a lookup notes before it reads storage, and hands to <see cref="Remember"/>.</summary>
    public readonly record struct Lookup(long Generation, DateTimeOffset StartedAt);

    public Lookup BeginLookup() => new(Interlocked.Read(ref _generation), time.GetUtcNow());

    /// <summary>
    /// Remembers what a lookup found, until <see cref="Lifetime"/> after the lookup began (not after it ended: a slow
    /// read must not stretch how long a key revoked elsewhere keeps working here), and not at all if something was
    /// forgotten since it began: a revocation that landed between the lookup's reads would otherwise be undone here.
    /// Storing first and checking after means a forget either sees the entry or is seen.
    /// </summary>
    public void Remember(string keyHash, Clinic clinic, Lookup lookup)
    {
        _byKeyHash[keyHash] = (clinic, lookup.StartedAt + Lifetime);
        if (Interlocked.Read(ref _generation) != lookup.Generation) _byKeyHash.TryRemove(keyHash, out _);
    }

    /// <summary>The key changed (revoked, or just issued): forget what this instance knew of it, found or not.</summary>
    public void ForgetKey(string keyHash)
    {
        Interlocked.Increment(ref _generation);
        _byKeyHash.TryRemove(keyHash, out _);
        _unknown.TryRemove(keyHash, out _);
    }

    /// <summary>Every key of the clinic: its settings changed. The cache holds the keys recently used here, so the scan is short.</summary>
    public void ForgetClinic(string clinicId)
    {
        Interlocked.Increment(ref _generation);
        foreach (var (hash, entry) in _byKeyHash)
            if (entry.Clinic.Id == clinicId) _byKeyHash.TryRemove(hash, out _);
    }
}
