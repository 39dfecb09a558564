using Reminders.Security;

namespace Reminders.CheckIn;

/// <summary>
/// The token in a reminder email's check-in links: sealed (AES-GCM), so it names clinic, patient, session and the
/// email's reminder without showing any of them, and cannot be altered or forged. A preview's sample token names
/// only the clinic and changes nothing.
/// </summary>
public sealed class CheckInTokens(SealedTokens sealedTokens)
{
    private const string Purpose = "checkin/v1";
    private const string SamplePurpose = "checkin/sample";

    public sealed record Claims(string ClinicId, string PatientId, string SessionId, Guid ReminderId, bool Sample = false, string? Locale = null);

    public string Create(string clinicId, string patientId, string sessionId, Guid reminderId) =>
        sealedTokens.Seal(Purpose, $"{clinicId}\n{patientId}\n{sessionId}\n{reminderId}");

    public string CreateSample(string clinicId, string locale) => sealedTokens.Seal(SamplePurpose, $"{clinicId}\n{locale}");

    public Claims? Read(string? token)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 512) return null;
        if (sealedTokens.Unseal(Purpose, token)?.Split('\n') is [var clinic, var patient, var session, var reminder] && Guid.TryParse(reminder, out var id))
            return new Claims(clinic, patient, session, id);
        return sealedTokens.Unseal(SamplePurpose, token)?.Split('\n') is [var sampleClinic, var locale]
            ? new Claims(sampleClinic, "", "", Guid.Empty, Sample: true, Locale: locale)
            : null;
    }
}
