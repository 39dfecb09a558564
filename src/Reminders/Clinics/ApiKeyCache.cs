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

    public Clinic? Find(string keyHash) =>
        _byKeyHash.TryGetValue(keyHash, out var cached) && cached.Until > time.GetUtcNow() ? cached.Clinic : null;

    public void Remember(string keyHash, Clinic clinic) => _byKeyHash[keyHash] = (clinic, time.GetUtcNow() + Lifetime);

    public void ForgetKey(string keyHash) => _byKeyHash.TryRemove(keyHash, out _);

    /// <summary>Every key of the clinic: its settings changed. The cache holds the keys recently used here, so the scan is short.</summary>
    public void ForgetClinic(string clinicId)
    {
        foreach (var (hash, entry) in _byKeyHash)
            if (entry.Clinic.Id == clinicId) _byKeyHash.TryRemove(hash, out _);
    }
}
