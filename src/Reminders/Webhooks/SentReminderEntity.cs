using Azure;
using Azure.Data.Tables;

namespace Reminders.Webhooks;

/// <summary>
/// Which session a sent reminder belongs to: PartitionKey the clinic id, RowKey <see cref="Prefix"/> + reminder id,
/// in the patients table, written with the Sent decision (clinics with a receiver only). A delivery report names only
/// the reminder; this row lets its event carry the patient and session ids. Erasure removes it.
/// </summary>
public sealed class SentReminderEntity : ITableEntity
{
    public const string Prefix = "~sent|";

    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string PatientId { get; set; } = "";
    public string SessionId { get; set; } = "";

    public static string RowFor(Guid reminderId) => Prefix + reminderId;
}
