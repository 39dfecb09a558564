using Azure;
using Azure.Data.Tables;

namespace Reminders.Patients;

/// <summary>
/// A patient row: PartitionKey the clinic id, RowKey "{patientId}|" (their sessions follow as "{patientId}|{sessionId}").
/// Every change to the patient's sessions rewrites this row in the same transaction, so its ETag versions the whole
/// aggregate: a registration and an erasure of the same patient cannot both succeed from the same read.
/// </summary>
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
