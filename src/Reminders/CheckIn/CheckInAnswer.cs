using System.Text.Json;

namespace Reminders.CheckIn;

/// <summary>
/// A patient's answer from a reminder email, kept on the session (visible to the clinic): "not yet" with the weeks
/// chosen, or "no longer needed". <see cref="ReminderId"/> is the email it answered; <see cref="DayOfRelief"/> how many
/// days after the injection it came (a "not yet" on day 76 says relief lasted beyond 76 days).
/// </summary>
public sealed record CheckInAnswer(string Answer, int? Weeks, DateTimeOffset At, Guid ReminderId, int DayOfRelief)
{
    public const string NotYet = "notYet", NoLonger = "noLonger";

    /// <summary>A session keeps at most this many answers (the latest); the row stays small.</summary>
    public const int MaxPerSession = 20;

    public static readonly int[] WeekChoices = [1, 2, 4];

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static IReadOnlyList<CheckInAnswer> Read(string? stored) =>
        string.IsNullOrEmpty(stored) ? [] : JsonSerializer.Deserialize<List<CheckInAnswer>>(stored, Json) ?? [];

    public static string Write(IEnumerable<CheckInAnswer> answers) => JsonSerializer.Serialize(answers.TakeLast(MaxPerSession).ToList(), Json);

    /// <summary>The patient's latest answer says they no longer need reminders for this session's treatment.</summary>
    public static CheckInAnswer? Declined(string? stored) => Read(stored).LastOrDefault() is { Answer: NoLonger } last ? last : null;
}
