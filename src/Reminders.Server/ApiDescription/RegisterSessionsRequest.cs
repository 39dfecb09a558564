using Reminders.Sessions;

namespace Reminders.Server.ApiDescription;

/// <summary>
/// Describes (never built) the body of <c>POST /api/sessions/batch</c>, which the handler reads item by item so that
/// one bad item gets its own 400 (<see cref="RegisterSessionsApi"/>).
/// </summary>
public sealed record RegisterSessionsRequest(IReadOnlyList<RegisterSessionRequest> Sessions);
