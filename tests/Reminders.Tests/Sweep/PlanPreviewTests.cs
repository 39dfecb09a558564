using Microsoft.Extensions.DependencyInjection;
using Reminders.Plan;
using Reminders.Sessions;
using Reminders.Tests.Infrastructure;
using static Reminders.Tests.Sweep.SweepTestBed;

namespace Reminders.Tests.Sweep;

/// <summary>A settings change tried first: the preview names what would move or expire, and saves nothing.</summary>
public sealed class PlanPreviewTests(Azurite azurite)
{
    [Fact]
    public async Task The_preview_names_each_move_and_expiry_and_changes_nothing()
    {
        await using var bed = Create(azurite);
        var clinic = await bed.AddClinicAsync("c1");
        var today = bed.Today(clinic);
        // The clinic's relief (as a clinic system that sends none plans them), and one with its own.
        Task<SessionView> Post(string patientId, int daysAgo, int? reliefDays = null) => bed.Registration.RegisterAsync(clinic,
            new ValidSession(patientId, $"{patientId}@example.com", null, today.AddDays(-daysAgo), "s1", reliefDays), Ct).ContinueWith(t => t.Result.Session);
        var soon = await Post("p1", 30);        // due in 46 days
        var older = await Post("p2", 70);       // due in 6 days
        await Post("p3", 30, reliefDays: 120);  // its own relief: stays
        var replanner = bed.Services.GetRequiredService<ReminderReplanner>();

        // 45 days of relief: p1 moves 45 days earlier, p2's relief ended 25 days ago (past the 7-day grace): it would expire.
        var preview = await replanner.PreviewAsync(clinic with { ReliefDays = 45 }, bed.Time.GetUtcNow().AddMinutes(1), 100, Ct);

        Assert.True(preview.Complete);
        Assert.Equal((3, 1, 1), (preview.Pending, preview.Moving, preview.Expiring));
        var move = Assert.Single(preview.Changes, c => c.PatientId == "p1");
        Assert.Equal((soon.ReminderDate, today.AddDays(-30 + 45 - clinic.RemindDaysBefore), ReminderStatus.Pending), (move.From, move.To, move.Status));
        var expiry = Assert.Single(preview.Changes, c => c.PatientId == "p2");
        Assert.Equal((older.ReminderDate, ReminderStatus.Expired), (expiry.From, expiry.Status));

        // Nothing saved: the sessions and the due index are as they were.
        Assert.Equal(soon.ReminderDate, (await bed.SessionAsync("c1", "p1")).ReminderDate);
        Assert.Equal(ReminderStatus.Pending, (await bed.SessionAsync("c1", "p2")).Status);
        Assert.Equal(3, (await bed.DueRowsAsync()).Count);
    }
}
