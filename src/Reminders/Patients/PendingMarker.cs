using Azure;
using Azure.Data.Tables;

namespace Reminders.Patients;

/// <summary>
/// One row per pending reminder, in the clinic's partition next to its session: RowKey "~pending|{patientId}|{sessionId}".
/// Written and removed in the same transaction as the session, so it exists exactly while the session is Pending.
/// It lets the reconciler and a settings change find a clinic's pending reminders at a cost that follows their
/// number, not the number of rows stored.
/// </summary>
public sealed class PendingMarker : ITableEntity
{
    public const string Prefix = "~pending|";

    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string PatientId { get; set; } = "";
    public string SessionId { get; set; } = "";
    public Guid ReminderId { get; set; }
    /// <summary>The due row's partition ("yyyy-MM-dd-ss"), where the reconciler expects to find it.</summary>
    public string DuePartition { get; set; } = "";
    /// <summary>The clinic settings version the reminder was planned under (see <see cref="Clinics.Clinic.PlanVersion"/>).</summary>
    public int PlanVersion { get; set; }

    public static string RowFor(string patientId, string sessionId) => $"{Prefix}{patientId}|{sessionId}";

    public static PendingMarker For(SessionEntity session) => new()
    {
        PartitionKey = session.PartitionKey,
        RowKey = RowFor(session.PatientId, session.SessionId),
        PatientId = session.PatientId,
        SessionId = session.SessionId,
        ReminderId = session.ReminderId,
        DuePartition = session.DuePartition ?? "",
        PlanVersion = session.PlanVersion,
    };
}
