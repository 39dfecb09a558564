using Reminders.Dispatch;
using Reminders.Plan;

namespace Reminders.Tests.Dispatch;

/// <summary>
/// How the plan is cut into queue messages: a patient's rows travel together, so two instances never settle one
/// patient's reminders side by side (the frequency cap would not see the other's email).
/// </summary>
public sealed class DispatchBatchesTests
{
    private static DueEntity Row(string clinic, string patient, string session) =>
        new() { PartitionKey = "2026-06-01|x", RowKey = $"{patient}|{session}", ClinicId = clinic, PatientId = patient, SessionId = session };

    [Fact]
    public void A_patients_rows_land_in_the_message_of_their_first_row_whatever_the_plan_order()
    {
        DueEntity[] plan = [Row("c1", "p1", "s1"), Row("c1", "p2", "s1"), Row("c1", "p3", "s1"), Row("c2", "p1", "s1"), Row("c1", "p1", "s2"), Row("c1", "p4", "s1"), Row("c1", "p2", "s2")];

        var batches = DispatchBatches.Split(plan, size: 2);

        Assert.Equal(
            [["c1/p1/s1", "c1/p2/s1", "c1/p1/s2", "c1/p2/s2"], ["c1/p3/s1", "c2/p1/s1"], ["c1/p4/s1"]],
            batches.Select(b => b.Select(r => $"{r.ClinicId}/{r.PatientId}/{r.SessionId}").ToArray()).ToArray());
        Assert.Equal(plan.Length, batches.Sum(b => b.Count));
    }

    [Fact]
    public void Patients_with_one_row_each_are_cut_at_the_size()
    {
        var plan = Enumerable.Range(0, 20).Select(i => Row("c1", $"p{i}", "s1")).ToList();

        Assert.Equal([7, 7, 6], DispatchBatches.Split(plan, size: 7).Select(b => b.Count));
    }
}
