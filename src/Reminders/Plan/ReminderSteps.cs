using System.Globalization;
using System.Text.Json;
using Reminders.Patients;

namespace Reminders.Plan;

/// <summary>
/// A treatment's reminder sequence: days relative to the expected relief end (-14: two weeks before; +7: a week
/// after), at most <see cref="Max"/>. Each step is its own reminder (its own identity, ledger entry and outcome); the
/// next one is planned when the one before was sent, and the send-time checks (a newer session, a booking, an
/// opt-out, the cap) decide it like any other. Sessions naming no treatment have one step: the clinic's lead time.
/// </summary>
public static class ReminderSteps
{
    public const int Max = 5;
    public static readonly IReadOnlyList<int> Default = [-14, 7];

    /// <summary>Earlier reminders a session keeps in its history (its story), newest last.</summary>
    public const int MaxHistory = 20;

    /// <summary>The latest a step may come after the relief end: later than that, rebooking is no longer a reminder.</summary>
    public const int MaxDaysAfter = 60;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static string Write(IReadOnlyList<int> steps) => string.Join(',', steps.Select(s => s.ToString(CultureInfo.InvariantCulture)));

    public static IReadOnlyList<int>? Read(string? stored) =>
        string.IsNullOrEmpty(stored) ? null : stored.Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToList();

    /// <summary>How many steps the session's sequence has (1 without one).</summary>
    public static int Count(SessionEntity session) => Read(session.ReminderSteps)?.Count ?? 1;

    /// <summary>The lead time (days before relief end) of the session's current step, or null when it follows the clinic's.</summary>
    public static int? Lead(SessionEntity session) => Read(session.ReminderSteps) is { } steps ? -steps[Math.Min(session.Step, steps.Count - 1)] : null;

    /// <summary>The outcomes of the steps before the current one, oldest first.</summary>
    public static IReadOnlyList<StepOutcome> History(SessionEntity session) =>
        string.IsNullOrEmpty(session.StepHistory) ? [] : JsonSerializer.Deserialize<List<StepOutcome>>(session.StepHistory, Json) ?? [];

    /// <summary>
    /// After the current step was sent: records it in the history and plans the next step (Pending, or Expired if it
    /// is already too late). False when the sequence has no further step.
    /// </summary>
    public static bool Advance(SessionEntity session, string clinicId, Clinics.ClosedDays? closed, DateOnly today, DateTimeOffset now)
    {
        if (Read(session.ReminderSteps) is not { } steps || session.Step + 1 >= steps.Count) return false;
        // Steps whose planned day (closed days applied) has already passed, because the one just sent was snoozed past
        // them, are overtaken, not sent late; one planned for today is sent.
        var next = session.Step + 1;
        while (next < steps.Count && ReminderSchedule.For(session.InjectionDay, session.ReliefDays, -steps[next], closed).ReminderDate < today) next++;
        if (next >= steps.Count) return false;
        Archive(session);
        session.Step = next;
        session.SnoozedOn = null;
        ReminderPolicy.SetDates(session, session.ReliefDays, -steps[session.Step], closed);
        ReminderPolicy.StartFresh(session, clinicId, today, now);
        if (session.IsPending)
            session.Detail = $"Step {session.Step + 1} of {steps.Count}: due on {session.Schedule.ReminderDate:yyyy-MM-dd}{ReminderPolicy.Shift(session)}, " +
                             $"{Describe(steps[session.Step])}; sent only if nothing newer was posted and the patient did not book or opt out.";
        return true;
    }

    /// <summary>
    /// Keeps the current reminder's outcome in the history before the session moves on to another reminder (the next
    /// step, or one the patient asked for with "not yet"), so a sent email stays visible with its time and message id.
    /// </summary>
    /// <param name="replaced">The clinic re-posted the session (new dates, a new address) and its reminder was
    /// replaced by another for the same step, rather than followed by the next step or a snooze.</param>
    public static void Archive(SessionEntity session, bool replaced = false)
    {
        // The newest MaxHistory only: a clinic system re-dating a session after every send must not grow the row
        // towards the storage's 64 KiB property limit, past which no write of the session would succeed.
        var history = History(session).Append(new StepOutcome(session.Step + 1, session.ReminderId, session.Schedule.ReminderDate,
            session.Status, session.Reason, session.Detail, session.SentAt, session.MessageId) { Replaced = replaced }).TakeLast(MaxHistory).ToList();
        session.StepHistory = JsonSerializer.Serialize(history, Json);
    }

    /// <summary>Marks an earlier step's sent email as failed by the provider afterwards; false when no sent step has that id.</summary>
    public static bool FailStep(SessionEntity session, Guid reminderId, string code, string detail)
    {
        var history = History(session).ToList();
        var at = history.FindIndex(h => h.ReminderId == reminderId && h.Status == ReminderStatus.Sent);
        if (at < 0) return false;
        history[at] = history[at] with { Status = ReminderStatus.Failed, Reason = code, Detail = detail };
        session.StepHistory = JsonSerializer.Serialize(history, Json);
        return true;
    }

    /// <summary>"14 days before relief ends", "7 days after relief ended".</summary>
    public static string Describe(int step) => step switch
    {
        < 0 => $"{-step} days before relief ends",
        0 => "on the day relief ends",
        _ => $"{step} days after relief ended",
    };
}

/// <summary>What happened to one earlier step of a session's reminder sequence (1-based <see cref="Step"/>).</summary>
public sealed record StepOutcome(int Step, Guid ReminderId, DateOnly ReminderDate, string Status, string? Reason, string? Detail, DateTimeOffset? SentAt, string? MessageId)
{
    /// <summary>This step's reminder was replaced when the clinic re-posted the session (so the same step comes again after it).</summary>
    public bool Replaced { get; init; }
}
