namespace Reminders.Email.Acs;

/// <summary>The body of a 202 to a send and of a 200 to a status request: <c>{id, status, error}</c>.</summary>
public sealed record AcsOperation(string? Id, string? Status, AcsError? Error);

/// <summary>An ACS error (<c>ErrorDetail</c>): the body of a failed request is <c>{"error": {...}}</c>.</summary>
public sealed record AcsError(string? Code, string? Message);

public sealed record AcsErrorResponse(AcsError? Error);
