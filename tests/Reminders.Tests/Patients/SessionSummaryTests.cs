using Reminders.Patients;

namespace Reminders.Tests.Patients;

/// <summary>The session summary on the patient row: it must fit one binary property (64 KiB) at the most sessions a patient may have.</summary>
public sealed class SessionSummaryTests
{
    [Fact]
    public void The_most_sessions_with_the_longest_ids_and_treatments_fit_in_one_property()
    {
        // Reproduced on the previous format: each entry spelled its treatment id out, ~142 bytes, 71 KB in all, and storage answered 400.
        var sessions = Enumerable.Range(0, PatientRecords.MaxSessionsPerPatient)
            .Select(i => new SessionSummary($"{i:000}".PadRight(64, 's'), new DateOnly(2020, 1, 1).AddDays(i), i % 7 == 0, $"{i % 5}".PadRight(64, 't'), NotYetDay: 365))
            .ToList();

        var bytes = SessionSummary.Write(sessions);

        Assert.True(bytes.Length < 64 * 1024, $"{bytes.Length} bytes");
        Assert.Equal(sessions.OrderBy(s => s.SessionId, StringComparer.Ordinal), SessionSummary.Read(bytes));
    }

    [Theory]
    [InlineData("s1,2026-01-05,0;s2,2026-04-10,1", null)]              // before treatments
    [InlineData("s1,2026-01-05,0,botox;s2,2026-04-10,1,botox", "botox")] // treatments spelled out
    public void Rows_written_by_earlier_versions_still_read(string stored, string? treatment)
    {
        var read = SessionSummary.Read(System.Text.Encoding.UTF8.GetBytes(stored));

        Assert.Equal([new("s1", new DateOnly(2026, 1, 5), false, treatment), new SessionSummary("s2", new DateOnly(2026, 4, 10), true, treatment)], read);
    }

    [Fact]
    public void Sessions_with_and_without_a_treatment_or_a_not_yet_day_keep_their_own()
    {
        SessionSummary[] sessions = [new("a", new DateOnly(2026, 1, 1), false, NotYetDay: 76), new("b", new DateOnly(2026, 2, 1), false, "physio"), new("c", new DateOnly(2026, 3, 1), true, "botox", 90)];

        Assert.Equal(sessions, SessionSummary.Read(SessionSummary.Write(sessions)));
    }
}
