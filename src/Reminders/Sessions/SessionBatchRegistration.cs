using Reminders.Clinics;
using Reminders.Patients;
using Reminders.Plan;

namespace Reminders.Sessions;

/// <summary>
/// Registers up to <see cref="MaxItems"/> sessions of one clinic at once (a clinic back-filling its patients). A patient
/// named once in the batch is first tried as new: due rows in one transaction per due partition, then patient,
/// session and marker rows in transactions of 33 patients (insert-only, so a patient that exists makes its transaction
/// fail as a whole, and those patients go through the one-by-one path). Everything else goes one by one, a patient's
/// sessions in order. The outcome of each item is its own: one failing item never fails another.
/// </summary>
public sealed class SessionBatchRegistration(SessionRegistration single, DueIndex dueIndex, PatientRecords records, TimeProvider time)
{
    public const int MaxItems = 500;
    private const int PatientsPerTransaction = 33; // three rows each: patient, session, pending marker

    /// <summary>One item's outcome: created or updated with its view, or the problem (409/422) that stopped it.</summary>
    public sealed record ItemOutcome(int Status, SessionView? Session, string? Field = null, string? Problem = null);

    /// <param name="items">Validated items; null for one that failed validation (the caller answered it).</param>
    public async Task<ItemOutcome?[]> RegisterAsync(Clinic clinic, IReadOnlyList<ValidSession?> items, CancellationToken ct)
    {
        var outcomes = new ItemOutcome?[items.Count];
        var byPatient = Enumerable.Range(0, items.Count).Where(i => items[i] is not null)
            .GroupBy(i => items[i]!.PatientId, StringComparer.Ordinal).ToList();
        // New patients go in bulk; a patient posted twice, or a session naming a treatment (looked up), one by one.
        var candidates = byPatient.Where(g => g.Count() == 1 && items[g.Single()]!.TreatmentId is null).Select(g => g.Single()).ToList();
        var oneByOne = byPatient.Where(g => g.Count() > 1 || items[g.Single()]!.TreatmentId is not null).Select(g => g.ToList()).ToList();

        var now = time.GetUtcNow();
        var today = clinic.Today(time);
        var fresh = candidates.Select(i => (Index: i, Rows: SessionRegistration.NewAggregate(clinic, items[i]!, now, today))).ToList();
        await dueIndex.PutAllAsync(fresh.Where(f => f.Rows.Session.IsPending).Select(f => f.Rows.Session).ToList(), ct);

        var refused = new List<int>();
        await Parallel.ForEachAsync(fresh.Chunk(PatientsPerTransaction), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct },
            async (chunk, token) =>
            {
                var batch = records.NewBatch();
                foreach (var (_, (patient, session)) in chunk)
                {
                    batch.Put(patient);
                    PatientRecords.PutSession(batch, session);
                }
                if (await batch.TrySubmitAsync(token))
                    foreach (var (index, (_, session)) in chunk) outcomes[index] = new ItemOutcome(201, SessionView.Of(session));
                else
                    lock (refused) refused.AddRange(chunk.Select(c => c.Index));
            });

        // Patients that exist (or appear twice): the regular path, a patient's items in order, patients side by side.
        var groups = oneByOne.Concat(refused.Select(i => new List<int> { i })).ToList();
        await Parallel.ForEachAsync(groups, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct }, async (group, token) =>
        {
            foreach (var index in group)
                outcomes[index] = await RegisterOneAsync(clinic, items[index]!, token);
        });
        return outcomes;
    }

    private async Task<ItemOutcome> RegisterOneAsync(Clinic clinic, ValidSession input, CancellationToken ct)
    {
        try
        {
            var outcome = await single.RegisterAsync(clinic, input, ct);
            return new ItemOutcome(outcome.Created ? 201 : 200, outcome.Session);
        }
        catch (ConcurrencyException e)
        {
            return new ItemOutcome(409, null, "sessionId", e.Message);
        }
        catch (SessionLimitException e)
        {
            return new ItemOutcome(422, null, "sessionId", e.Message);
        }
        catch (SessionInputException e)
        {
            return new ItemOutcome(400, null, e.Field, e.Message);
        }
    }
}
