using System.Globalization;
using Reminders.Http;

namespace Reminders.Bookings;

/// <summary>Body of <c>PUT /api/patients/{patientId}/bookings/{bookingId}</c>.</summary>
public sealed record BookingRequest(string? Date, string? TreatmentId)
{
    /// <summary>How far ahead a booking may be: further is a typo, not an appointment.</summary>
    public const int MaxDaysAhead = 730;

    public (DateOnly Date, string? TreatmentId)? Validate(DateOnly today, Validation v)
    {
        DateOnly date = default;
        if (string.IsNullOrEmpty(Date)) v.Add("date", "date is required (yyyy-MM-dd).");
        else if (!DateOnly.TryParseExact(Date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date))
            v.Add("date", "date must be a real date written yyyy-MM-dd.");
        else if (date < today) v.Add("date", $"date must not be in the past (the clinic's today is {today:yyyy-MM-dd}).");
        else if (date > today.AddDays(MaxDaysAhead)) v.Add("date", $"date must be within {MaxDaysAhead} days.");
        if (TreatmentId is not null) v.RequireId("treatmentId", TreatmentId);
        return v.IsValid ? (date, TreatmentId) : null;
    }
}
