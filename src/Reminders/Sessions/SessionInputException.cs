namespace Reminders.Sessions;

/// <summary>A session that is well-formed but does not fit the clinic's data (an unknown treatment, relief outside its guardrails): a 400 naming <see cref="Field"/>.</summary>
public sealed class SessionInputException(string fieldName, string message) : Exception(message)
{
    public string Field { get; } = fieldName;
}
