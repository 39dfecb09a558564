using System.Security.Cryptography;
using System.Text;

namespace Reminders.Plan;

/// <summary>
/// One stable id per reminder: a name-based UUID (RFC 9562 version 5) of clinic, patient, session and reminder date.
/// Every retry of a reminder carries it (outbox file name, Message-ID, ACS Operation-Id), so a resend is
/// recognisably the same email.
/// </summary>
public static class ReminderIdentity
{
    private static readonly Guid Namespace = new("5f0b3c8e-2d7a-4b1e-9c36-0a4e6d2b7f11");

    /// <param name="generation">
    /// Goes up when a failed reminder is sent again to a new address: that is a new email, with its own ledger entry,
    /// Message-ID and ACS operation (the old operation's failure must not answer for it). 0 keeps the original ids.
    /// </param>
    public static Guid For(string clinicId, string patientId, string sessionId, DateOnly reminderDate, int generation = 0) =>
        NameBased(Namespace, generation == 0
            ? $"{clinicId}/{patientId}/{sessionId}/{reminderDate:yyyy-MM-dd}"
            : $"{clinicId}/{patientId}/{sessionId}/{reminderDate:yyyy-MM-dd}/{generation}");

    internal static Guid NameBased(Guid ns, string name)
    {
        var nsBytes = ns.ToByteArray(bigEndian: true);
        var nameBytes = Encoding.UTF8.GetBytes(name);
        var input = new byte[nsBytes.Length + nameBytes.Length];
        nsBytes.CopyTo(input, 0);
        nameBytes.CopyTo(input, nsBytes.Length);
#pragma warning disable CA5350 // SHA-1 is what RFC 9562 prescribes for version 5; this is an identifier, not security.
        var hash = SHA1.HashData(input);
#pragma warning restore CA5350
        var bytes = hash.AsSpan(0, 16).ToArray();
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x50);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true);
    }
}
