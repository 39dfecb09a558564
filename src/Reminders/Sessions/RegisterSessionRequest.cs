using System.Globalization;
using Reminders.Clinics;
using Reminders.Email;
using Reminders.Http;

namespace Reminders.Sessions;

/// <summary>Body of <c>POST /api/sessions</c>.</summary>
public sealed record RegisterSessionRequest(
    string? PatientId,
    string? Email,
    string? FirstName,
    string? InjectionDate,
    string? SessionId,
    int? ReliefDays,
    string? TreatmentId = null)
{
    public static readonly DateOnly EarliestInjectionDate = new(2000, 1, 1);

    public ValidSession? Validate(Clinic clinic, DateOnly today, Validation v)
    {
        v.RequireId("patientId", PatientId);

        if (string.IsNullOrWhiteSpace(Email)) v.Add("email", "email is required.");
        else if (!EmailAddresses.IsValid(Email)) v.Add("email", "email must be a valid email address.");

        if (FirstName is not null && (FirstName.Length > 100 || FirstName.Any(char.IsControl)))
            v.Add("firstName", "firstName must be at most 100 characters, without control characters.");

        DateOnly injection = default;
        if (string.IsNullOrEmpty(InjectionDate)) v.Add("injectionDate", "injectionDate is required (yyyy-MM-dd).");
        else if (!DateOnly.TryParseExact(InjectionDate, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out injection))
            v.Add("injectionDate", "injectionDate must be a real date written yyyy-MM-dd.");
        else if (injection < EarliestInjectionDate) v.Add("injectionDate", "injectionDate must not be before 2000-01-01.");
        else if (injection > today) v.Add("injectionDate", $"injectionDate must not be in the future (the clinic's today is {today:yyyy-MM-dd}).");

        var sessionId = SessionId ?? InjectionDate;
        if (SessionId is not null) v.RequireId("sessionId", SessionId);
        if (TreatmentId is not null) v.RequireId("treatmentId", TreatmentId);

        if (ReliefDays is < ClinicSettingsRequest.MinReliefDays or > ClinicSettingsRequest.MaxReliefDays)
            v.Add("reliefDays", $"reliefDays must be between {ClinicSettingsRequest.MinReliefDays} and {ClinicSettingsRequest.MaxReliefDays}.");
        else if (ReliefDays <= clinic.RemindDaysBefore)
            v.Add("reliefDays", $"reliefDays must be longer than the clinic's remindDaysBefore ({clinic.RemindDaysBefore}).");

        return v.IsValid
            ? new ValidSession(PatientId!, Email!.Trim(), string.IsNullOrWhiteSpace(FirstName) ? null : FirstName.Trim(), injection, sessionId!, ReliefDays,
                TreatmentId ?? clinic.DefaultTreatmentId)
            : null;
    }
}

/// <param name="ReliefDays">The session's own relief period, or null: the clinic's (snapshotted at registration).</param>
public sealed record ValidSession(string PatientId, string Email, string? FirstName, DateOnly InjectionDate, string SessionId, int? ReliefDays, string? TreatmentId = null);
