using System.Diagnostics;
using System.Globalization;
using Azure.Core;
using Azure.Data.Tables;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Reminders.Clinics;
using Reminders.Configuration;
using Reminders.Email;
using Reminders.Storage;
using Reminders.Sweep;

namespace Reminders.Bench;

/// <summary>Seeds N patients with D due straight into storage, then times one sweep (plan and dispatch in this process).</summary>
internal static class SweepBench
{
    public sealed record Result(int Stored, int Due, int Sent, double Seconds, long Requests, double MsPerRequest, string Kinds)
    {
        public double RemindersPerSecond => Sent / Seconds;
        public double RequestsPerReminder => (double)Requests / Math.Max(Sent, 1);
    }

    public static async Task<Result> RunAsync(string storage, int patients, int due, bool outbox, int? parallelism = null)
    {
        var prefix = "Bench" + Guid.NewGuid().ToString("N")[..10];
        var meter = new RequestMeter(prefix);
        var folder = Path.Combine(Path.GetTempPath(), "reminders-bench-outbox-" + prefix);
        await using var services = Services(storage, prefix, meter, outbox ? folder : null, parallelism);
        var tables = services.GetRequiredService<ReminderTables>();
        try
        {
            var seeder = new Seeder(tables, services.GetRequiredService<ClinicDirectory>(), 8);
            var clinics = Seeder.Clinics(10);
            var today = clinics[0].Today(TimeProvider.System);
            Console.WriteLine($"Seeding {patients:N0} patients ({due:N0} due) into {prefix}*...");
            await seeder.SaveClinicsAsync(clinics, CancellationToken.None);
            await seeder.WriteAsync(Seeder.Patients(clinics, patients, due, today), clinics.ToDictionary(c => c.Id), reset: false, CancellationToken.None);
            // The day's reconcile first (once a day, and not per reminder), so the timed sweep is planning and sending.
            await services.GetRequiredService<DueIndexReconciler>().RunIfDueAsync((await services.GetRequiredService<ClinicDirectory>().ListAsync(CancellationToken.None)).Clinics, CancellationToken.None);

            meter.Reset();
            var watch = Stopwatch.StartNew();
            var result = await services.GetRequiredService<ReminderSweep>().RunAsync(CancellationToken.None);
            watch.Stop();
            var snapshot = meter.Snapshot().ToList();
            var requests = snapshot.Sum(s => s.Count);
            var ms = snapshot.Sum(s => s.TotalMs) / Math.Max(requests, 1);
            var kinds = string.Join(", ", snapshot.OrderByDescending(s => s.Count)
                .Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Kind} {(double)s.Count / Math.Max(result.Sent, 1):0.00}")));
            Console.WriteLine($"  {(outbox ? "outbox" : "no-op")}: sent {result.Sent} in {watch.Elapsed.TotalSeconds:F1} s, {requests:N0} requests ({kinds})");
            if (result.Sent != due) Console.Error.WriteLine($"  WARNING: expected {due} sent, got {result.Sent}");
            return new Result(patients, due, result.Sent, watch.Elapsed.TotalSeconds, requests, ms, kinds);
        }
        finally
        {
            var names = new List<string>();
            await foreach (var table in tables.Service.QueryAsync($"TableName ge '{prefix}' and TableName lt '{prefix}~'")) names.Add(table.Name);
            foreach (var name in names) await tables.Service.DeleteTableAsync(name);
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Everything as the hosts wire it, plus: the no-op sender unless an outbox folder is given, a real clock, and a metered table client.</summary>
    public static ServiceProvider Services(string storage, string prefix, RequestMeter meter, string? outbox, int? parallelism = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [StorageSettings.Name] = storage,
            ["Reminders:TablePrefix"] = prefix,
            ["Reminders:SweepTimeBudget"] = "00:30:00",
            ["Reminders:ReconcileTimeBudget"] = "00:30:00",
            ["Reminders:DispatchQueue"] = "bench-" + prefix.ToLowerInvariant(),
            ["Reminders:PublicBaseUrl"] = "http://127.0.0.1:7071",
            ["Reminders:LinkSigningKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
            ["Reminders:AddressHashKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
            ["Email:Provider"] = "Outbox",
            ["Email:OutboxPath"] = outbox ?? Path.Combine(Path.GetTempPath(), "reminders-bench-unused"),
            ["Reminders:SendParallelism"] = (parallelism ?? new RemindersOptions().SendParallelism).ToString(CultureInfo.InvariantCulture),
        }).Build();
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning));
        services.AddSingleton(TimeProvider.System);
        if (outbox is null) services.AddSingleton<IEmailSender, NoOpEmailSender>(); // before AddReminders: it uses TryAddSingleton
        var options = new TableClientOptions();
        options.AddPolicy(meter, HttpPipelinePosition.PerRetry);
        services.AddSingleton(new TableServiceClient(storage, options));
        services.AddReminders(configuration);
        return services.BuildServiceProvider();
    }
}
