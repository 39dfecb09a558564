using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;

namespace Reminders.Http;

/// <summary>Collects field errors so one response names every bad field.</summary>
public sealed partial class Validation
{
    private readonly Dictionary<string, string[]> _errors = new(StringComparer.Ordinal);

    public bool IsValid => _errors.Count == 0;

    public void Add(string field, string message) =>
        _errors[field] = _errors.TryGetValue(field, out var existing) ? [.. existing, message] : [message];

    public IResult ToResult() => Problems.Invalid(_errors);

    /// <summary>The same problem as <see cref="ToResult"/>, as an object (one item's answer inside a batch response).</summary>
    public HttpValidationProblemDetails ToProblemDetails() => Problems.InvalidDetails(_errors);

    /// <summary>
    /// Ids become parts of table keys and file names, so they are limited to characters that are safe in both
    /// (no <c>/ \ # ?</c>, no control characters) and never a path segment like <c>..</c>.
    /// </summary>
    public static bool IsValidId(string? id) => id is not null && IdPattern().IsMatch(id) && id is not ("." or "..");

    public void RequireId(string field, string? value)
    {
        if (string.IsNullOrEmpty(value)) Add(field, $"{field} is required.");
        else if (!IsValidId(value)) Add(field, $"{field} must be 1-64 characters of A-Z, a-z, 0-9, '.', '_' or '-', and not '.' or '..'.");
    }

    // \z, not $: "$" also matches before a final "\n", which would let "id\n" through to the table keys (a 500 there).
    [GeneratedRegex(@"^[A-Za-z0-9._-]{1,64}\z")]
    private static partial Regex IdPattern();
}
