using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.OpenApi;
using Reminders.Dashboard;
using static Reminders.Server.ApiDescription.DescriptionConventions;

namespace Reminders.Server.ApiDescription;

/// <summary>What the staff sign-in routes take and answer (see <see cref="RemindersApiDescription"/> for the rest).</summary>
public static class StaffSignInApiDescription
{
    public static RouteHandlerBuilder DescribeIssueSignInLink(this RouteHandlerBuilder route) => route
        .WithName("IssueSignInLink").WithTags("Dashboard")
        .WithSummary("A one-use link that signs a browser tab in to the clinic's dashboard with staff scope (admin, or the clinic).")
        .WithDescription("The token is after `#` in the URL, so the browser never sends it to a server (no log, no Referer); the dashboard " +
                         "trades it once (POST /api/staff-sessions) for an 8-hour staff session kept only in that tab. Send the link to one person. " +
                         "The clinic's integration key may issue its own (a practice system's \"reminders dashboard\" button); a staff credential may not.")
        .WithQuery("minutes", required: false, "How long the link may wait to be opened: 1 to 1440 (default 15).",
            new OpenApiSchema { Type = JsonSchemaType.Integer, Minimum = "1", Maximum = "1440" })
        .Responds(200, typeof(StaffSignInApi.SignInLinkView), "The link and when it stops working if unused.", Json)
        .RespondsInvalid("clinicId or minutes is not valid (`errors` names it).")
        .Responds(404, typeof(ProblemDetails), "No such clinic (a clinic key asking for another clinic gets this too).", ProblemJson)
        .RequiresAdminOrClinicKey();

    public static RouteHandlerBuilder DescribeRevokeStaffSessions(this RouteHandlerBuilder route) => route
        .WithName("RevokeStaffSessions").WithTags("Dashboard")
        .WithSummary("End every staff session and unused sign-in link of a clinic issued until now (admin, or the clinic).")
        .WithDescription("At once on the instance that served the call, on the others within 30 seconds (their key cache). Staff keys are not affected.")
        .Responds(204, null, "Revoked.")
        .RespondsInvalid("clinicId is not a valid id.")
        .Responds(404, typeof(ProblemDetails), "No such clinic (a clinic key asking for another clinic gets this too).", ProblemJson)
        .RequiresAdminOrClinicKey();

    public static RouteHandlerBuilder DescribeStartStaffSession(this RouteHandlerBuilder route) => route
        .WithName("StartStaffSession").WithTags("Dashboard")
        .WithSummary("Trade a sign-in link for a staff session key (anyone holding the link, once).")
        .WithDescription("The session key (rt_…) is sent in X-Api-Key and has a staff key's scope until expiresAt (8 hours). Of racing " +
                         "redemptions of one link exactly one succeeds.")
        .AcceptsJson<StaffSignInApi.StartSessionRequest>(Reminders.Http.JsonBody.MaxBytes)
        .Responds(201, typeof(StaffSignIns.Session), "The session.", Json)
        .Responds(401, typeof(ProblemDetails), "The link is not one of this service's, has expired, was used, or was revoked (`detail` says which).", ProblemJson);
}
