using Azure;
using Azure.Data.Tables;

namespace Reminders.Patients;

/// <summary>
/// A sent reminder whose provider settles it later (ACS operations), until its final status is known:
/// RowKey "~unsettled|{patientId}|{reminderId}" in the clinic's partition. Written in the same transaction that
/// records the session Sent, and erased with the patient.
/// </summary>
public sealed class UnsettledMarker : ITableEntity
{
    public const string Prefix = "~unsettled|";

    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string PatientId { get; set; } = "";
    public string SessionId { get; set; } = "";
    public Guid ReminderId { get; set; }
    public string ProviderMessageId { get; set; } = "";
    public DateTimeOffset AcceptedAt { get; set; }

    public static string RowFor(string patientId, Guid reminderId) => $"{Prefix}{patientId}|{reminderId}";
}
