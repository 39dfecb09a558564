using Reminders.Patients;

namespace Reminders.Sessions;

/// <summary>A session and its reminder as the API shows them.</summary>
public sealed record SessionView(
    string PatientId,
    string SessionId,
    DateOnly InjectionDate,
    int ReliefDays,
    DateOnly ReliefEndsOn,
    DateOnly ReminderDate,
    bool Cancelled,
    Guid ReminderId,
    string Status,
    string? Reason,
    string? Detail,
    DateTimeOffset? SentAt,
    string? MessageId,
    DeliveryView? Delivery = null)
{
    /// <summary>The patient's first name, where the call asked for it (the send plan's include=firstName).</summary>
    public string? FirstName { get; init; }

    /// <summary>When the reminder got its current status (sent, skipped, expired, failed, or planned): may be long after its date.</summary>
    public DateTimeOffset? DecidedAt { get; init; }

    /// <summary>The clinic's treatment the session names, if any.</summary>
    public string? TreatmentId { get; init; }

    /// <summary>Which relief estimate planned the reminder, and why (<see cref="Treatments.ReliefEstimate"/>).</summary>
    public Treatments.ReliefEstimate? ReliefEstimate { get; init; }

    /// <summary>Which step of its treatment's reminder sequence the reminder is (1-based), of how many.</summary>
    public int Step { get; init; } = 1;
    public int Steps { get; init; } = 1;

    /// <summary>The sequence's earlier steps and what happened to each (empty before the second step).</summary>
    public IReadOnlyList<Plan.StepOutcome> EarlierSteps { get; init; } = [];

    /// <summary>The patient's answers from reminder emails ("not yet" with the weeks chosen, "no longer needed"), oldest first.</summary>
    public IReadOnlyList<CheckIn.CheckInAnswer> CheckIns { get; init; } = [];

    internal static SessionView Of(SessionEntity s) => Of(s, null);

    internal static SessionView Of(SessionEntity s, IReadOnlyDictionary<Guid, DeliveryView>? deliveries) => new(
        s.PatientId, s.SessionId, s.InjectionDay, s.ReliefDays, s.Schedule.ReliefEndsOn, s.Schedule.ReminderDate,
        s.Cancelled, s.ReminderId, s.Status, s.Reason, s.Detail, s.SentAt, s.MessageId,
        deliveries is not null && deliveries.TryGetValue(s.ReminderId, out var d) ? d : null)
    {
        DecidedAt = s.DecidedAt,
        TreatmentId = s.TreatmentId,
        Step = s.Step + 1,
        Steps = Plan.ReminderSteps.Count(s),
        EarlierSteps = Plan.ReminderSteps.History(s),
        CheckIns = CheckIn.CheckInAnswer.Read(s.CheckIns),
        // Sessions from before estimates: the session's own reliefDays, or the clinic's.
        ReliefEstimate = new Treatments.ReliefEstimate(s.ReliefDays,
            s.ReliefSource ?? (s.ReliefDaysExplicit ? Treatments.ReliefEstimate.FromSession : Treatments.ReliefEstimate.FromClinic),
            s.ReliefBasis ?? (s.ReliefDaysExplicit ? "reliefDays posted with the session" : "the clinic's reliefDays")),
    };
}

/// <summary>
/// What the email provider last reported about a sent reminder's delivery (ACS delivery reports): Delivered, Expanded,
/// Bounced, Suppressed, Quarantined, FilteredSpam or Failed, the report's time, and the provider's reason (addresses taken out).
/// </summary>
public sealed record DeliveryView(string Status, DateTimeOffset At, string? Reason)
{
    /// <summary>Each sent reminder's delivery state from the send ledger (one read each, in parallel; only sent reminders are read).</summary>
    public static async Task<IReadOnlyDictionary<Guid, DeliveryView>> ReadAsync(Ledger.SendLedger ledger, IEnumerable<SessionEntity> sessions, CancellationToken ct)
    {
        // Sent, or Failed after ACS took it and then gave up: the only reminders a provider reported on.
        var ids = sessions.Where(s => s.Status == Plan.ReminderStatus.Sent || (s.Status == Plan.ReminderStatus.Failed && s.MessageId is not null))
            .Select(s => s.ReminderId).Distinct().ToList();
        var found = new System.Collections.Concurrent.ConcurrentDictionary<Guid, DeliveryView>();
        await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = ct }, async (id, token) =>
        {
            if (await ledger.FindAsync(id, token) is { Delivery: { } status, DeliveryAt: { } at } entry)
                found[id] = new DeliveryView(status, at, entry.DeliveryReason);
        });
        return found;
    }
}
