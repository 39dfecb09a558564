using Reminders.Clinics;
using Reminders.Http;

namespace Reminders.Treatments;

/// <summary>Body of <c>PUT /api/clinics/{clinicId}/treatments/{treatmentId}</c>.</summary>
public sealed record TreatmentRequest(string? Name, int? ReliefDays, int? MinReliefDays, int? MaxReliefDays, bool? NameInEmail, int[]? ReminderSteps = null)
{
    public Treatment? Validate(string treatmentId, Clinic clinic, Validation v)
    {
        v.RequireId("treatmentId", treatmentId);
        if (string.IsNullOrWhiteSpace(Name)) v.Add("name", "name is required (for staff; never in an email unless nameInEmail).");
        else if (Name.Length > 100 || Name.Any(char.IsControl)) v.Add("name", "name must be at most 100 characters, without control characters.");

        int min = MinReliefDays ?? Math.Max(ClinicSettingsRequest.MinReliefDays, clinic.RemindDaysBefore + 1), max = MaxReliefDays ?? ClinicSettingsRequest.MaxReliefDays;
        if (min is < ClinicSettingsRequest.MinReliefDays or > ClinicSettingsRequest.MaxReliefDays)
            v.Add("minReliefDays", $"minReliefDays must be between {ClinicSettingsRequest.MinReliefDays} and {ClinicSettingsRequest.MaxReliefDays}.");
        else if (min <= clinic.RemindDaysBefore)
            v.Add("minReliefDays", $"minReliefDays must be longer than the clinic's remindDaysBefore ({clinic.RemindDaysBefore}).");
        if (max is < ClinicSettingsRequest.MinReliefDays or > ClinicSettingsRequest.MaxReliefDays)
            v.Add("maxReliefDays", $"maxReliefDays must be between {ClinicSettingsRequest.MinReliefDays} and {ClinicSettingsRequest.MaxReliefDays}.");
        else if (max < min) v.Add("maxReliefDays", "maxReliefDays must not be below minReliefDays.");
        if (ReliefDays is { } days && (days < min || days > max))
            v.Add("reliefDays", $"reliefDays must lie within minReliefDays and maxReliefDays ({min}-{max}).");

        var steps = ReminderSteps ?? [.. Plan.ReminderSteps.Default];
        if (steps.Length is 0 or > Plan.ReminderSteps.Max)
            v.Add("reminderSteps", $"reminderSteps must list 1 to {Plan.ReminderSteps.Max} steps (days relative to the expected relief end, e.g. [-14, 7]).");
        else if (steps.Zip(steps.Skip(1)).Any(p => p.Second <= p.First))
            v.Add("reminderSteps", "reminderSteps must be in increasing order, without repeats.");
        else if (steps[0] <= -min || steps[^1] > Plan.ReminderSteps.MaxDaysAfter)
            v.Add("reminderSteps", $"reminderSteps must lie after the injection (more than -{min}, the relief floor) and at most {Plan.ReminderSteps.MaxDaysAfter} days after relief ends.");

        return v.IsValid ? new Treatment(treatmentId, Name!.Trim(), ReliefDays, min, max, NameInEmail ?? false, steps) : null;
    }
}
