using Microsoft.AspNetCore.Mvc;
using Reminders.Bookings;
using Reminders.Http;
using static Reminders.Server.ApiDescription.DescriptionConventions;

namespace Reminders.Server.ApiDescription;

/// <summary>What the booking routes take and answer (see <see cref="RemindersApiDescription"/> for the rest).</summary>
public static class BookingsApiDescription
{
    public static RouteHandlerBuilder DescribePutBooking(this RouteHandlerBuilder route) => route
        .WithName("PutBooking").WithTags("Patients")
        .WithSummary("Record an appointment booked for the patient (clinic).")
        .WithDescription("While the patient has a booking on or after a reminder's send day, for its treatment or naming none, the reminder is held " +
                         "(Pending, reason AlreadyBooked; checked when it is due); it goes out if the booking is cancelled or its day passes without a visit. " +
                         $"A session posted for the patient fulfils the bookings of its treatment dated up to {Booking.EarlyVisitDays} days after its injection date. " +
                         $"At most {Booking.MaxPerPatient} per patient; the date from the clinic's today up to {BookingRequest.MaxDaysAhead} days ahead.")
        .AcceptsJson<BookingRequest>(JsonBody.MaxBytes)
        .Responds(200, typeof(BookingsApi.BookingView), "Updated (or unchanged).", Json)
        .Responds(201, typeof(BookingsApi.BookingView), "Recorded.", Json)
        .RespondsInvalid("A bad id, or date missing, in the past or too far ahead (`errors.date`).")
        .Responds(404, typeof(ProblemDetails), "No such patient in this clinic.", ProblemJson)
        .Responds(409, typeof(ProblemDetails), "The patient has the most bookings allowed, or kept changing meanwhile.", ProblemJson)
        .RequiresClinicKey();

    public static RouteHandlerBuilder DescribeCancelBooking(this RouteHandlerBuilder route) => route
        .WithName("CancelBooking").WithTags("Patients")
        .WithSummary("Cancel a booked appointment (clinic).")
        .WithDescription("Reminders the booking held back (Pending, AlreadyBooked) are released: the next sweep sends them, unless another booking still holds them.")
        .Responds(204, null, "Cancelled.")
        .RespondsInvalid("A bad id.")
        .Responds(404, typeof(ProblemDetails), "No such patient, or no such booking.", ProblemJson)
        .Responds(409, typeof(ProblemDetails), "The patient kept changing meanwhile; try again.", ProblemJson)
        .RequiresClinicKey();
}
