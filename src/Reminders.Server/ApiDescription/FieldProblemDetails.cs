using Microsoft.AspNetCore.Mvc;

namespace Reminders.Server.ApiDescription;

/// <summary>
/// Describes (never built) the problem body of a 413, 415 or 422: RFC 9457 plus the API's <c>field</c> extension naming
/// the part of the request at fault (<c>body</c>, <c>Content-Type</c>, <c>sessionId</c>…). See <see cref="Reminders.Http.Problems"/>.
/// </summary>
public sealed class FieldProblemDetails : ProblemDetails
{
    public required string Field { get; init; }
}
