using System.Collections.Concurrent;

namespace Reminders.Clinics;

/// <summary>
/// Clinics found by API key, remembered for <see cref="Lifetime"/>: every clinic call authenticates, and two storage
/// reads per request would halve what registration can carry. A settings change or a revocation reaches this
/// instance at once (the entries are forgotten) and other instances within <see cref="Lifetime"/>.
/// </summary>
public sealed class ApiKeyCache(TimeProvider time)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<string, (Clinic Clinic, DateTimeOffset Until)> _byKeyHash = new(StringComparer.Ordinal);

    /// <summary>Counts forgets: a lookup that read storage before a revocation must not cache what it read after it.</summary>
    private long _generation;

    public Clinic? Find(string keyHash) =>
        _byKeyHash.TryGetValue(keyHash, out var cached) && cached.Until > time.GetUtcNow() ? cached.Clinic : null;

    /// <summary>Taken before a lookup reads storage, and handed to <see cref="Remember"/>.</summary>
    public long Generation => Interlocked.Read(ref _generation);

    /// <summary>
    /// Remembers what a lookup found, unless something was forgotten since it began (<paramref name="generation"/>):
    /// a revocation that landed between the lookup's reads would otherwise be undone here for a whole
    /// <see cref="Lifetime"/>. Storing first and checking after means a forget either sees the entry or is seen.
    /// </summary>
    public void Remember(string keyHash, Clinic clinic, long generation)
    {
        _byKeyHash[keyHash] = (clinic, time.GetUtcNow() + Lifetime);
        if (Interlocked.Read(ref _generation) != generation) _byKeyHash.TryRemove(keyHash, out _);
    }

    public void ForgetKey(string keyHash)
    {
        Interlocked.Increment(ref _generation);
        _byKeyHash.TryRemove(keyHash, out _);
    }

    /// <summary>Every key of the clinic: its settings changed. The cache holds the keys recently used here, so the scan is short.</summary>
    public void ForgetClinic(string clinicId)
    {
        Interlocked.Increment(ref _generation);
        foreach (var (hash, entry) in _byKeyHash)
            if (entry.Clinic.Id == clinicId) _byKeyHash.TryRemove(hash, out _);
    }
}
