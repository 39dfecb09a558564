using Azure;
using Azure.Data.Tables;

namespace Reminders.Treatments;

/// <summary>A clinic's treatment: PartitionKey <see cref="Partition"/>, RowKey "{clinicId}|{treatmentId}", in the clinics table.</summary>
public sealed class TreatmentEntity : ITableEntity
{
    public const string Partition = "treatment";

    public string PartitionKey { get; set; } = Partition;
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string Name { get; set; } = "";
    public int? ReliefDays { get; set; }
    public int MinReliefDays { get; set; }
    public int MaxReliefDays { get; set; }
    public bool NameInEmail { get; set; }
    /// <summary>The reminder sequence ("-14,7"); null on rows from before sequences: the default.</summary>
    public string? ReminderSteps { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    public static string RowFor(string clinicId, string treatmentId) => $"{clinicId}|{treatmentId}";

    public Treatment ToTreatment() => new(RowKey[(RowKey.IndexOf('|') + 1)..], Name, ReliefDays, MinReliefDays, MaxReliefDays, NameInEmail,
        Plan.ReminderSteps.Read(ReminderSteps) ?? Plan.ReminderSteps.Default);
}

/// <summary>
/// A treatment and its clinical guardrails: no reminder is ever planned for a relief shorter than
/// <see cref="MinReliefDays"/> (a botulinum-toxin injection is typically not repeated within about 12 weeks) or longer
/// than <see cref="MaxReliefDays"/>. <see cref="ReliefDays"/>: its default relief (null: the clinic's).
/// <see cref="ReminderSteps"/>: its reminder sequence, days relative to relief end (null: the default, -14 and +7).
/// </summary>
public sealed record Treatment(string TreatmentId, string Name, int? ReliefDays, int MinReliefDays, int MaxReliefDays, bool NameInEmail,
    IReadOnlyList<int>? ReminderSteps = null)
{
    /// <summary>The sequence in force.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyList<int> Steps => ReminderSteps ?? Plan.ReminderSteps.Default;

    public int Clamp(int days) => Math.Clamp(days, MinReliefDays, MaxReliefDays);
}
