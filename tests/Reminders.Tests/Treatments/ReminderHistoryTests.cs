using Reminders.Patients;
using Reminders.Plan;

namespace Reminders.Tests.Treatments;

/// <summary>A session's history of earlier reminders stays bounded, whatever a clinic system re-posts.</summary>
public sealed class ReminderHistoryTests
{
    [Fact]
    public void A_session_keeps_its_newest_twenty_earlier_reminders_so_its_row_cannot_outgrow_storage()
    {
        var session = new SessionEntity { ReliefEndsOn = "2026-06-30", ReminderDate = "2026-06-16", Status = ReminderStatus.Sent, Detail = new string('d', 400) };
        var ids = Enumerable.Range(0, 25).Select(_ => Guid.NewGuid()).ToList();
        foreach (var id in ids)
        {
            session.ReminderId = id;
            ReminderSteps.Archive(session);
        }

        var history = ReminderSteps.History(session);
        Assert.Equal(ReminderSteps.MaxHistory, history.Count);
        Assert.Equal(ids.TakeLast(ReminderSteps.MaxHistory), history.Select(h => h.ReminderId));
        Assert.True(session.StepHistory!.Length < 32 * 1024, $"{session.StepHistory.Length} characters");
    }
}
