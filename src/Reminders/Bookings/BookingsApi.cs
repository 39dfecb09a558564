using Microsoft.AspNetCore.Http;
using Reminders.Http;

namespace Reminders.Bookings;

/// <summary>A clinic's booked appointments for its patients: while one stands, the patient gets no rebooking reminder.</summary>
public static class BookingsApi
{
    /// <summary>One booking as the API shows it.</summary>
    public sealed record BookingView(string BookingId, string Date, string? TreatmentId, DateTimeOffset CreatedAt)
    {
        public static BookingView Of(Booking b) => new(b.BookingId, b.Date.ToString("yyyy-MM-dd"), b.TreatmentId, b.CreatedAt);
    }

    /// <summary>
    /// <c>PUT /api/patients/{patientId}/bookings/{bookingId}</c> (clinic) <c>{"date": "yyyy-MM-dd", "treatmentId": …}</c>:
    /// 201 when new, 200 when it existed (a re-sync of bookings is harmless).
    /// </summary>
    public static async Task<IResult> PutBooking(HttpRequest request, string patientId, string bookingId, ApiAuthentication auth, PatientBookings bookings,
        TimeProvider time, CancellationToken ct)
    {
        var caller = await auth.ClinicAsync(request, ct);
        if (caller.Clinic is not { } clinic) return caller.Refused;
        var body = await JsonBody.ReadAsync<BookingRequest>(request, ct);
        if (body.Error is not null) return body.Error;
        var v = new Validation();
        v.RequireId("patientId", patientId);
        v.RequireId("bookingId", bookingId);
        var valid = body.Value!.Validate(clinic.Today(time), v);
        if (valid is not { } booking) return v.ToResult();

        try
        {
            var (outcome, saved) = await bookings.PutAsync(clinic.Id, patientId, bookingId, booking.Date, booking.TreatmentId, ct);
            return outcome switch
            {
                PatientBookings.Outcome.NoPatient => Problems.NotFound("No such patient: post a session for them first."),
                PatientBookings.Outcome.TooMany => Problems.Conflict($"The patient has {Booking.MaxPerPatient} bookings, the most allowed: cancel one first."),
                PatientBookings.Outcome.Created => TypedResults.Created($"/api/patients/{patientId}/bookings/{bookingId}", BookingView.Of(saved!)),
                _ => TypedResults.Ok(BookingView.Of(saved!)),
            };
        }
        catch (Sessions.ConcurrencyException e)
        {
            return Problems.Conflict(e.Message);
        }
    }

    /// <summary><c>DELETE /api/patients/{patientId}/bookings/{bookingId}</c> (clinic): 204; reminders it held back are planned again.</summary>
    public static async Task<IResult> CancelBooking(HttpRequest request, string patientId, string bookingId, ApiAuthentication auth, PatientBookings bookings,
        CancellationToken ct)
    {
        var caller = await auth.ClinicAsync(request, ct);
        if (caller.Clinic is not { } clinic) return caller.Refused;
        var v = new Validation();
        v.RequireId("patientId", patientId);
        v.RequireId("bookingId", bookingId);
        if (!v.IsValid) return v.ToResult();

        try
        {
            return await bookings.CancelAsync(clinic, patientId, bookingId, ct) switch
            {
                null => Problems.NotFound("No such patient."),
                false => Problems.NotFound("No such booking for this patient."),
                true => TypedResults.NoContent(),
            };
        }
        catch (Sessions.ConcurrencyException e)
        {
            return Problems.Conflict(e.Message);
        }
    }
}
