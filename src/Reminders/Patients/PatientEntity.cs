using Azure;
using Azure.Data.Tables;

namespace Reminders.Patients;

/// <summary>A patient row: PartitionKey the clinic id, RowKey "{patientId}|" (their sessions follow as "{patientId}|{sessionId}").</summary>
public sealed class PatientEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string PatientId { get; set; } = "";
    public string Email { get; set; } = "";
    public string? FirstName { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    public static string RowFor(string patientId) => patientId + "|";
}
