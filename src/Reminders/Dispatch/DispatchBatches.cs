using Reminders.Plan;

namespace Reminders.Dispatch;

/// <summary>
/// Cuts the plan into queue messages. A patient's due rows travel in one message, so one sender settles them one at a
/// time and the second sees the first's email (the frequency cap); messages on different instances never race over
/// one patient. A message may run a few rows over the size by the later rows of patients it already holds.
/// </summary>
public static class DispatchBatches
{
    public static IReadOnlyList<IReadOnlyList<DueEntity>> Split(IReadOnlyList<DueEntity> rows, int size)
    {
        var batches = new List<List<DueEntity>>();
        var batchOf = new Dictionary<(string, string), List<DueEntity>>();
        List<DueEntity>? open = null;
        foreach (var row in rows)
        {
            var patient = (row.ClinicId, row.PatientId);
            if (!batchOf.TryGetValue(patient, out var batch))
            {
                if (open is null || open.Count >= size) batches.Add(open = []);
                batch = batchOf[patient] = open;
            }
            batch.Add(row);
        }
        return batches;
    }
}
