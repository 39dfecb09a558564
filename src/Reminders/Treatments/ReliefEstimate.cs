using Reminders.Clinics;
using Reminders.Patients;

namespace Reminders.Treatments;

/// <summary>
/// How long relief is expected to last after a new session, and why. The session's own <c>reliefDays</c> wins; else,
/// for a named treatment with at least two earlier sessions of it, the median of the patient's own intervals between
/// sessions (how long their relief lasted before they came back); else the treatment's default; else the clinic's.
/// Always within the treatment's guardrails, so no patient is nudged to rebook before its floor.
/// </summary>
public sealed record ReliefEstimate(int Days, string Source, string Basis)
{
    public const string FromSession = "session", FromPatientHistory = "patientHistory", FromTreatment = "treatment", FromClinic = "clinic";

    public static ReliefEstimate Explicit(int days) => new(days, FromSession, "reliefDays posted with the session");

    public static ReliefEstimate Choose(Clinic clinic, Treatment? treatment, IEnumerable<SessionSummary> others, string sessionId, DateOnly injectionDay)
    {
        var treatmentId = treatment?.TreatmentId;
        var earlierSessions = others
            .Where(s => !s.Cancelled && s.SessionId != sessionId && s.TreatmentId == treatmentId && s.InjectionDay < injectionDay).ToList();
        var earlier = earlierSessions.Select(s => s.InjectionDay).Distinct().Order().ToList();
        // A "not yet" on day 76 of the latest answered session says relief lasted beyond 76 days: no estimate goes below that.
        var answered = treatment is null ? null : earlierSessions.Where(s => s.NotYetDay is not null).MaxBy(s => s.InjectionDay);
        var floor = Math.Max(treatment?.MinReliefDays ?? ClinicSettingsRequest.MinReliefDays, clinic.RemindDaysBefore + 1);
        var ceiling = Math.Max(floor, treatment?.MaxReliefDays ?? ClinicSettingsRequest.MaxReliefDays);

        // Only for a named treatment: a clinic that never names one keeps the relief it configured (its reminders do
        // not move under it), and "how long this patient's relief lasts" means one treatment's.
        if (treatment is not null && earlier.Count >= 2)
        {
            var visits = earlier.Append(injectionDay).ToList();
            var intervals = visits.Zip(visits.Skip(1), (a, b) => b.DayNumber - a.DayNumber).ToList();
            var sorted = intervals.Order().ToList();
            var median = sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2] + 1) / 2;
            var basis = $"median of {intervals.Count} intervals ({string.Join(", ", intervals)} days)";
            var refined = Refine(median, answered, ref basis);
            return new(Math.Clamp(refined, floor, ceiling), FromPatientHistory, basis + Clamped(refined, floor, ceiling));
        }
        if (treatment?.ReliefDays is { } days)
        {
            var basis = $"the default of treatment {treatment.TreatmentId}";
            var refined = Refine(days, answered, ref basis);
            return new(Math.Clamp(refined, floor, ceiling), refined == days ? FromTreatment : FromPatientHistory, basis + Clamped(refined, floor, ceiling));
        }
        var clinicBasis = "the clinic's reliefDays";
        var clinicDays = Refine(clinic.ReliefDays, answered, ref clinicBasis);
        return new(Math.Clamp(clinicDays, floor, ceiling), answered is null || clinicDays == clinic.ReliefDays ? FromClinic : FromPatientHistory,
            clinicBasis + Clamped(clinicDays, floor, ceiling));
    }

    /// <summary>Raises <paramref name="days"/> past the day of the patient's latest "not yet", and says so.</summary>
    private static int Refine(int days, SessionSummary? answered, ref string basis)
    {
        if (answered?.NotYetDay is not { } day || day < days) return days;
        basis += $", raised to {day + 1}: the patient answered \"not yet\" on day {day} after the session of {answered.InjectionDay:yyyy-MM-dd}";
        return day + 1;
    }

    private static string Clamped(int days, int floor, int ceiling) =>
        days < floor ? $", raised to the floor of {floor} days" : days > ceiling ? $", lowered to the ceiling of {ceiling} days" : "";
}
