using Azure;
using Azure.Data.Tables;

namespace Reminders.Dashboard;

/// <summary>
/// A clinic's staff sign-in rows, in the Clinics table under <c>staff-sign-in|{clinicId}</c>: one per redeemed
/// sign-in link (RowKey the link's id: a second redemption finds it and is refused), and <c>~revoked</c>, the clinic's
/// revocation count: a link or session issued under a lower count is void.
/// </summary>
public sealed class StaffSignInEntity : ITableEntity
{
    public const string RevokedRow = "~revoked";

    public static string PartitionOf(string clinicId) => "staff-sign-in|" + clinicId;

    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    /// <summary>A redemption: when it happened. The revocation row: when sign-ins were last revoked (for people; the count decides).</summary>
    public DateTimeOffset At { get; set; }

    /// <summary>The revocation row: how many times the clinic's sign-ins were revoked.</summary>
    public long Generation { get; set; }

    /// <summary>A redemption: when its link would have expired anyway (after which the row is only kept until pruned).</summary>
    public DateTimeOffset? LinkExpiresAt { get; set; }
}
