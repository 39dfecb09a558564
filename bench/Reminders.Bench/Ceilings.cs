using System.Diagnostics;
using Azure;
using Azure.Data.Tables;

namespace Reminders.Bench;

/// <summary>
/// What the storage itself takes, measured on the same emulator in the same run as every other figure, which is then
/// reported as a ratio of these: single-entity upserts at 1, 8 and 32 in flight, conditional read-then-update pairs,
/// and entities per second in entity-group transactions of 100.
/// </summary>
internal static class Ceilings
{
    public sealed record Result(double Upserts1, double Upserts8, double Upserts32, double ConditionalPairs8, double ConditionalPairs32, double BatchEntities8)
    {
        /// <summary>Entities/s in transactions of 100 into one partition that already holds as many rows as a clinic's after an import.</summary>
        public double BatchEntitiesIntoLargePartition { get; init; }

        public double UpsertsAt(int inFlight) => inFlight <= 1 ? Upserts1 : inFlight <= 8 ? Upserts8 : Upserts32;
    }

    public static async Task<Result> MeasureAsync(TableServiceClient service, string prefix, TimeSpan each)
    {
        var table = service.GetTableClient(prefix + "Ceiling");
        await table.CreateIfNotExistsAsync();
        try
        {
            var upserts1 = await RateAsync(1, each, i => table.UpsertEntityAsync(Row(i), TableUpdateMode.Replace));
            var upserts8 = await RateAsync(8, each, i => table.UpsertEntityAsync(Row(i), TableUpdateMode.Replace));
            var upserts32 = await RateAsync(32, each, i => table.UpsertEntityAsync(Row(i), TableUpdateMode.Replace));
            // Conditional pairs on a fixed set of rows, as a claim does: read, then update with the ETag read.
            for (var i = 0; i < 1000; i++) await table.UpsertEntityAsync(new TableEntity("pairs", $"r{i:0000}") { ["v"] = 0 });
            async Task Pair(long i)
            {
                var row = (await table.GetEntityAsync<TableEntity>("pairs", $"r{i % 1000:0000}")).Value;
                row["v"] = i;
                try { await table.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace); }
                catch (RequestFailedException e) when (e.Status == 412) { }
            }
            var pairs8 = await RateAsync(8, each, Pair);
            var pairs32 = await RateAsync(32, each, Pair);
            var batches8 = await RateAsync(8, each, async i =>
            {
                var actions = Enumerable.Range(0, 100).Select(j => new TableTransactionAction(TableTransactionActionType.UpsertReplace,
                    new TableEntity($"batch{i}", $"r{j:000}") { ["v"] = j, ["Text"] = "a due row's worth of text, about 150 bytes of properties" }));
                await table.SubmitTransactionAsync(actions);
            }) * 100;
            // The emulator scans a partition for every row it writes into it: the same transactions into one partition
            // already holding 15,000 rows (what a clinic holds after 5,000 imported patients) show its rate there.
            for (var i = 0; i < 150; i++)
                await table.SubmitTransactionAsync(Enumerable.Range(0, 100).Select(j => new TableTransactionAction(TableTransactionActionType.Add,
                    new TableEntity("large", $"seed{i:000}-{j:000}") { ["Text"] = "a patient's worth of properties" })));
            var large8 = await RateAsync(8, each, async i =>
            {
                var actions = Enumerable.Range(0, 100).Select(j => new TableTransactionAction(TableTransactionActionType.Add,
                    new TableEntity("large", $"run{i:000000}-{j:000}") { ["v"] = j, ["Text"] = "a due row's worth of text, about 150 bytes of properties" }));
                await table.SubmitTransactionAsync(actions);
            }) * 100;
            return new Result(upserts1, upserts8, upserts32, pairs8, pairs32, batches8) { BatchEntitiesIntoLargePartition = large8 };
        }
        finally
        {
            await table.DeleteAsync();
        }
    }

    private static TableEntity Row(long i) => new($"p{i % 64:00}", $"r{i:0000000}")
    {
        ["ClinicId"] = "clinic-00", ["PatientId"] = $"p{i:0000000}", ["SessionId"] = "s1", ["ReminderId"] = Guid.NewGuid(), ["CreatedAt"] = DateTimeOffset.UtcNow,
    };

    /// <summary>Operations per second with <paramref name="inFlight"/> of them always in flight, over <paramref name="duration"/>.</summary>
    private static async Task<double> RateAsync(int inFlight, TimeSpan duration, Func<long, Task> operation)
    {
        long next = 0, done = 0;
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, inFlight).Select(async _ =>
        {
            while (watch.Elapsed < duration)
            {
                await operation(Interlocked.Increment(ref next));
                Interlocked.Increment(ref done);
            }
        }));
        return done / watch.Elapsed.TotalSeconds;
    }
}
