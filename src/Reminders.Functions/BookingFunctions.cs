using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Reminders.Bookings;
using Reminders.Http;

namespace Reminders.Functions;

public sealed class BookingFunctions(ApiAuthentication auth, PatientBookings bookings, TimeProvider time)
{
    [Function("PutBooking")]
    public Task<IResult> Put(
        [HttpTrigger(AuthorizationLevel.Function, "put", Route = "patients/{patientId}/bookings/{bookingId}")] HttpRequest request,
        string patientId, string bookingId, CancellationToken ct) =>
        BookingsApi.PutBooking(request, patientId, bookingId, auth, bookings, time, ct);

    [Function("CancelBooking")]
    public Task<IResult> Cancel(
        [HttpTrigger(AuthorizationLevel.Function, "delete", Route = "patients/{patientId}/bookings/{bookingId}")] HttpRequest request,
        string patientId, string bookingId, CancellationToken ct) =>
        BookingsApi.CancelBooking(request, patientId, bookingId, auth, bookings, ct);
}
