using System.Collections.Concurrent;
using Azure.Data.Tables;
using Reminders.Patients;
using Reminders.Storage;

namespace Reminders.Stats;

/// <summary>
/// "Did it work": patients reminded in a range of sending days, and how many came back (a newer session of the
/// treatment posted) within 30 and 60 days of their first reminder in the range. Read from the sent-reminder rows
/// (one range query) and, per patient reminded, their patient row and the reminded session (point reads, in
/// parallel): the cost follows the clinic's reminders in the range, not its history. Counts only: no ids.
/// </summary>
public sealed class RebookingStats(ReminderTables tables)
{
    public const int MaxDays = 366;

    /// <summary>One group's numbers; <see cref="MedianDaysToRebook"/> is null when nobody in it rebooked.</summary>
    public sealed record Figures(string Key, int PatientsReminded, int RebookedWithin30Days, int RebookedWithin60Days, double? MedianDaysToRebook);

    public sealed record Report(DateOnly From, DateOnly To, int RemindersSent, int PatientsReminded, int RebookedWithin30Days, int RebookedWithin60Days,
        double? MedianDaysToRebook, IReadOnlyList<Figures> ByTreatment, IReadOnlyList<Figures> ByStep, IReadOnlyList<Figures> ByWeekday,
        IReadOnlyList<Figures> ByLocalHour, IReadOnlyList<Figures> ByCheckIn);

    private sealed record Reminded(SentStatEntity First, int? DaysToRebook, string CheckIn);

    public async Task<Report> ComputeAsync(string clinicId, DateOnly from, DateOnly to, CancellationToken ct)
    {
        await tables.EnsureCreatedAsync(ct);
        // UTC keys; a local day lies within a day either side of its UTC date.
        var low = SentStatEntity.Prefix + from.AddDays(-1).ToString("yyyy-MM-dd");
        var high = SentStatEntity.Prefix + to.AddDays(2).ToString("yyyy-MM-dd");
        var sent = new List<SentStatEntity>();
        await foreach (var row in tables.Patients.QueryAsync<SentStatEntity>(
                           TableClient.CreateQueryFilter($"PartitionKey eq {clinicId} and RowKey ge {low} and RowKey lt {high}"), cancellationToken: ct))
        {
            var day = DateOnly.ParseExact(row.LocalDate, "yyyy-MM-dd");
            if (day >= from && day <= to) sent.Add(row);
        }

        var firsts = sent.GroupBy(s => s.PatientId, StringComparer.Ordinal).Select(g => g.MinBy(s => s.SentAt)!).ToList();
        var reminded = new ConcurrentBag<Reminded>();
        await Parallel.ForEachAsync(firsts, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = ct }, async (first, token) =>
        {
            var patient = await tables.Patients.GetEntityIfExistsAsync<PatientEntity>(clinicId, PatientEntity.RowFor(first.PatientId), cancellationToken: token);
            if (!patient.HasValue) return; // erased meanwhile: not counted
            var session = await tables.Patients.GetEntityIfExistsAsync<SessionEntity>(clinicId, SessionEntity.RowFor(first.PatientId, first.SessionId),
                select: [nameof(SessionEntity.CheckIns)], cancellationToken: token);
            var injected = DateOnly.ParseExact(first.InjectionDate, "yyyy-MM-dd");
            var sentOn = DateOnly.ParseExact(first.LocalDate, "yyyy-MM-dd");
            var rebooking = (patient.Value!.Sessions is { } summary ? SessionSummary.Read(summary) : [])
                .Where(s => !s.Cancelled && s.InjectionDay > injected && Plan.ReminderPolicy.SameTreatment(s.TreatmentId, first.TreatmentId))
                .Select(s => (int?)Math.Max(0, s.InjectionDay.DayNumber - sentOn.DayNumber)).Min();
            var answer = session.HasValue ? CheckIn.CheckInAnswer.Read(session.Value!.CheckIns).LastOrDefault()?.Answer : null;
            reminded.Add(new Reminded(first, rebooking, answer ?? "none"));
        });

        var all = reminded.ToList();
        var total = Figure("all", all);
        return new Report(from, to, sent.Count, total.PatientsReminded, total.RebookedWithin30Days, total.RebookedWithin60Days, total.MedianDaysToRebook,
            By(all, r => r.First.TreatmentId ?? "none"), By(all, r => r.First.Step.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            By(all, r => r.First.LocalWeekday), By(all, r => r.First.LocalHour.ToString("00", System.Globalization.CultureInfo.InvariantCulture)), By(all, r => r.CheckIn));
    }

    private static IReadOnlyList<Figures> By(List<Reminded> all, Func<Reminded, string> key) =>
        all.GroupBy(key, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => Figure(g.Key, g.ToList())).ToList();

    private static Figures Figure(string key, List<Reminded> group)
    {
        var days = group.Where(r => r.DaysToRebook is not null).Select(r => r.DaysToRebook!.Value).Order().ToList();
        double? median = days.Count == 0 ? null : days.Count % 2 == 1 ? days[days.Count / 2] : (days[days.Count / 2 - 1] + days[days.Count / 2]) / 2.0;
        return new Figures(key, group.Count, days.Count(d => d <= 30), days.Count(d => d <= 60), median);
    }
}
