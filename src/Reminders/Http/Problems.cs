using Microsoft.AspNetCore.Http;

namespace Reminders.Http;

/// <summary>RFC 9457 problem details for every error the API returns.</summary>
public static class Problems
{
    public static IResult Invalid(string field, string message) =>
        Invalid(new Dictionary<string, string[]> { [field] = [message] });

    public static IResult Invalid(IDictionary<string, string[]> errors) =>
        TypedResults.ValidationProblem(errors,
            detail: "Invalid " + string.Join(", ", errors.Keys) + ": " + string.Join(" ", errors.Values.SelectMany(v => v)),
            title: "The request is invalid.");

    public static HttpValidationProblemDetails InvalidDetails(IDictionary<string, string[]> errors) => new(errors)
    {
        Status = StatusCodes.Status400BadRequest,
        Type = "https://tools.ietf.org/html/rfc9110#section-15.5.1",
        Title = "The request is invalid.",
        Detail = "Invalid " + string.Join(", ", errors.Keys) + ": " + string.Join(" ", errors.Values.SelectMany(v => v)),
    };

    public static IResult Unauthorized(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized.", detail: detail);

    public static IResult Forbidden(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden.", detail: detail);

    public static IResult NotFound(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found.", detail: detail);

    public static IResult Conflict(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Conflict.", detail: detail);

    /// <summary>A well-formed request that breaks a limit of the data it touches (422), naming the field.</summary>
    public static IResult Unprocessable(string field, string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: "The request cannot be carried out.",
            detail: detail, extensions: new Dictionary<string, object?> { ["field"] = field });

    public static IResult TooLarge(int limit) =>
        TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Request body too large.",
            detail: $"The body must be at most {limit} bytes.", extensions: new Dictionary<string, object?> { ["field"] = "body" });

    public static IResult UnsupportedMediaType() =>
        TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type.",
            detail: "Send the body as application/json.", extensions: new Dictionary<string, object?> { ["field"] = "Content-Type" });

    public static IResult TooManyRequests(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many requests.", detail: detail,
            type: "https://tools.ietf.org/html/rfc6585#section-4");

    public static IResult Unavailable(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Service unavailable.", detail: detail);
}
