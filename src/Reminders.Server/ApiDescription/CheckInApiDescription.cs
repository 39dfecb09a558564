using Microsoft.OpenApi;
using Reminders.CheckIn;
using Reminders.Http;
using static Reminders.Server.ApiDescription.DescriptionConventions;

namespace Reminders.Server.ApiDescription;

/// <summary>What the check-in routes of a reminder email take and answer (see <see cref="RemindersApiDescription"/> for the rest).</summary>
public static class CheckInApiDescription
{
    private static readonly OpenApiSchema AnswerSchema = new()
    {
        Type = JsonSchemaType.String, Enum = [CheckInAnswer.NotYet, CheckInAnswer.NoLonger],
    };

    public static RouteHandlerBuilder DescribeShowCheckIn(this RouteHandlerBuilder route) => route
        .WithName("ShowCheckIn").WithTags("Check-in")
        .WithSummary("The confirm page behind a reminder email's \"Not yet\" or \"I no longer need this\" link (anyone with a valid link).")
        .WithDescription("Changes nothing, because link scanners follow GETs. The sealed token is the credential; it names no id in clear.")
        .WithQuery("token", required: true, "The sealed token from the email's link.", new OpenApiSchema { Type = JsonSchemaType.String })
        .WithQuery("answer", required: true, "notYet (the page offers 1, 2 or 4 weeks) or noLonger.", AnswerSchema)
        .Responds(200, typeof(string), "The clinic-branded confirm page.", Html)
        .RespondsBadToken("The token is missing, altered or forged (`errors.token`), or the answer is not one of the two (`errors.answer`).");

    public static RouteHandlerBuilder DescribeCheckIn(this RouteHandlerBuilder route) => route
        .WithName("CheckIn").WithTags("Check-in")
        .WithSummary("Record the patient's answer (anyone with a valid link).")
        .WithDescription("notYet plans the session's next reminder for the chosen weeks from today (closed days and the frequency cap respected); " +
                         "noLonger ends the session's reminders (Skipped, PatientDeclined) until the clinic posts a new session. " +
                         "Repeating the same answer changes nothing. The clinic sees answers in the session's checkIns.")
        .WithQuery("token", required: true, "The sealed token from the email's link.", new OpenApiSchema { Type = JsonSchemaType.String })
        .WithQuery("answer", required: true, "notYet or noLonger.", AnswerSchema)
        .WithRequestBody<CheckInForm>("application/x-www-form-urlencoded", required: false)
        .Responds(200, typeof(string), "The clinic-branded page saying what happens now.", Html)
        .RespondsBadToken("The token is missing, altered or forged (`errors.token`), the answer or weeks is not allowed (`errors.answer`, `errors.weeks`), " +
                          "or the form is malformed (`errors.body`); nothing changed.")
        .Responds(413, typeof(FieldProblemDetails), $"The form is over {JsonBody.MaxBytes} bytes (`field`: `body`).", ProblemJson);
}

/// <summary>Describes (never built) the optional form of <c>POST /api/check-in</c>: <c>weeks</c> 1, 2 or 4 for notYet (default 2).</summary>
public sealed record CheckInForm(int? Weeks = null);
