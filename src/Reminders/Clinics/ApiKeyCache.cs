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

    public void RememberUnknown(string keyHash)
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
        _unknown[keyHash] = now + UnknownLifetime;
    }

    /// <summary>Entries held for unknown keys (for tests of the bound).</summary>
    internal int UnknownCount => _unknown.Count;

    public Clinic? Find(string keyHash) =>
        _byKeyHash.TryGetValue(keyHash, out var cached) && cached.Until > time.GetUtcNow() ? cached.Clinic : null;

    public void Remember(string keyHash, Clinic clinic) => _byKeyHash[keyHash] = (clinic, time.GetUtcNow() + Lifetime);

    /// <summary>The key changed (revoked, or just issued): forget what this instance knew of it, found or not.</summary>
    public void ForgetKey(string keyHash)
    {
        _byKeyHash.TryRemove(keyHash, out _);
        _unknown.TryRemove(keyHash, out _);
    }

    /// <summary>Every key of the clinic: its settings changed. The cache holds the keys recently used here, so the scan is short.</summary>
    public void ForgetClinic(string clinicId)
    {
        foreach (var (hash, entry) in _byKeyHash)
            if (entry.Clinic.Id == clinicId) _byKeyHash.TryRemove(hash, out _);
    }
}
