using Reminders.Clinics;
using Reminders.Http;

namespace Reminders.Treatments;

/// <summary>Body of <c>PUT /api/clinics/{clinicId}/treatments/{treatmentId}</c>.</summary>
public sealed record TreatmentRequest(string? Name, int? ReliefDays, int? MinReliefDays, int? MaxReliefDays, bool? NameInEmail)
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

        return v.IsValid ? new Treatment(treatmentId, Name!.Trim(), ReliefDays, min, max, NameInEmail ?? false) : null;
    }
}
