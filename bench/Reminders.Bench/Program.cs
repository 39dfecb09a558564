using System.Diagnostics;
using System.Globalization;
using Azure.Core;
using Azure.Data.Tables;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Reminders.Bench;
using Reminders.Clinics;
using Reminders.Configuration;
using Reminders.Email;
using Reminders.Storage;
using Reminders.Sweep;

// Sweep benchmark: seeds N patients (D of them due) straight into Table Storage, then times one ReminderSweep.RunAsync.
// Usage: dotnet run -c Release --project bench/Reminders.Bench -- --patients N --due D
//        [--clinics 10] [--concurrency 8] [--no-outbox] [--keep-tables]
// Storage: REMINDERS_BENCH_STORAGE (a connection string); bench/run-sweep-bench.sh starts Azurite and sets it.

var patients = 10_000;
var due = 1_000;
var clinicCount = 10;
var concurrency = 8;
var outboxRun = true;
var keepTables = false;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--patients": patients = IntArg(ref i); break;
        case "--due": due = IntArg(ref i); break;
        case "--clinics": clinicCount = IntArg(ref i); break;
        case "--concurrency": concurrency = IntArg(ref i); break;
        case "--no-outbox": outboxRun = false; break;
        case "--keep-tables": keepTables = true; break;
        default: return Usage($"unknown argument '{args[i]}'");
    }
}
if (patients < 1 || due < 0 || due > patients || clinicCount < 1 || concurrency < 1)
    return Usage("need --patients >= 1, 0 <= --due <= --patients, --clinics >= 1, --concurrency >= 1");

var storage = Environment.GetEnvironmentVariable("REMINDERS_BENCH_STORAGE");
if (string.IsNullOrWhiteSpace(storage))
    return Usage("set REMINDERS_BENCH_STORAGE to a storage connection string (bench/run-sweep-bench.sh does, with its own Azurite)");

var prefix = "Bench" + Guid.NewGuid().ToString("N")[..10];
var meter = new RequestMeter(prefix);
var outboxFolder = Path.Combine(Path.GetTempPath(), "reminders-bench-outbox-" + prefix);

using var noOp = Services(storage, prefix, meter, outbox: null);
var noOpSender = (NoOpEmailSender)noOp.GetRequiredService<IEmailSender>();
var tables = noOp.GetRequiredService<ReminderTables>();
var seeder = new Seeder(tables, noOp.GetRequiredService<ClinicDirectory>(), concurrency);
var exit = 0;
try
{
    // --- Seed ---
    var clinics = Seeder.Clinics(clinicCount);
    var clinicsById = clinics.ToDictionary(c => c.Id, StringComparer.Ordinal);
    var today = clinics[0].Today(TimeProvider.System);
    var seeded = Seeder.Patients(clinics, patients, due, today);
    Console.WriteLine($"Seeding {patients:N0} patients ({due:N0} due, {clinicCount} clinics, Europe/Madrid, today {today:yyyy-MM-dd}) into tables {prefix}*, {concurrency} batches in flight...");
    var seedWatch = Stopwatch.StartNew();
    await seeder.SaveClinicsAsync(clinics, CancellationToken.None);
    var batchCount = await seeder.WriteAsync(seeded, clinicsById, reset: false, CancellationToken.None);
    seedWatch.Stop();
    var seedSeconds = seedWatch.Elapsed.TotalSeconds;
    Console.WriteLine($"Seeded {patients * 4L:N0} rows in {batchCount:N0} transactions in {seedSeconds:F1} s ({patients * 3L / seedSeconds:N0} rows/s).");

    // --- Sweep with the no-op sender: storage work only ---
    var (sweepSeconds, result) = await TimedSweepAsync(noOp, meter);
    var dueRowsRead = meter.DueRowsRead;
    var duePages = meter.DueQueryPages;
    var requests = meter.Snapshot().Sum(s => s.Count);
    Console.WriteLine($"Sweep (no-op sender): {sweepSeconds:F2} s; sent {result.Sent}, skipped {result.Skipped}, expired {result.Expired}, failed {result.Failed}, deferred {result.Deferred}; sender accepted {noOpSender.Accepted}.");
    Console.WriteLine($"Due index: {dueRowsRead:N0} rows read in {duePages} page(s) (rows dated up to UTC today + 1: the due ones plus tomorrow's partition).");
    PrintRequests(meter);
    if (result.Sent != due || noOpSender.Accepted != due)
    {
        Console.Error.WriteLine($"FAIL: expected {due} sent with the no-op sender, got {result.Sent} (sender accepted {noOpSender.Accepted}).");
        exit = 1;
    }

    // --- Optional second sweep with the real outbox sender: the same D reminders, reset to Pending ---
    string outboxSeconds = "-", outboxSent = "-";
    if (outboxRun)
    {
        var dueOnes = seeded.Where(p => p.Due).ToList();
        await seeder.WriteAsync(dueOnes, clinicsById, reset: true, CancellationToken.None);
        using var outbox = Services(storage, prefix, meter, outboxFolder);
        var (seconds, outboxResult) = await TimedSweepAsync(outbox, meter);
        var files = Directory.Exists(outboxFolder) ? Directory.GetFiles(outboxFolder, "*.eml").Length : 0;
        Console.WriteLine($"Sweep (outbox sender, {outboxFolder}): {seconds:F2} s; sent {outboxResult.Sent}, {files} .eml file(s) written.");
        outboxSeconds = seconds.ToString("F2", CultureInfo.InvariantCulture);
        outboxSent = outboxResult.Sent.ToString("N0", CultureInfo.InvariantCulture);
        if (outboxResult.Sent != due || files != due)
        {
            Console.Error.WriteLine($"FAIL: expected {due} sent and {due} .eml files with the outbox sender, got {outboxResult.Sent} and {files}.");
            exit = 1;
        }
    }

    Console.WriteLine();
    Console.WriteLine(TableHeader);
    Console.WriteLine(TableRule);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| {patients:N0} | {due:N0} | {seedSeconds:F1} | {sweepSeconds:F2} | {result.Sent:N0} | {dueRowsRead:N0} | {requests:N0} | {outboxSeconds} | {outboxSent} |"));
}
finally
{
    if (!keepTables)
    {
        // Every table this run made (they all start with its prefix), so the next size starts from an empty emulator.
        var names = new List<string>();
        await foreach (var table in tables.Service.QueryAsync($"TableName ge '{prefix}' and TableName lt '{prefix}~'"))
            names.Add(table.Name);
        foreach (var name in names)
            await tables.Service.DeleteTableAsync(name);
        Console.WriteLine($"Dropped {names.Count} table(s) {prefix}*.");
    }
    if (Directory.Exists(outboxFolder)) Directory.Delete(outboxFolder, recursive: true);
}
return exit;

int IntArg(ref int i)
{
    // Not a whole number: -1, which the range check below reports.
    if (i + 1 >= args.Length || !int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var value))
        return -1;
    i++;
    return value;
}

static int Usage(string error)
{
    Console.Error.WriteLine($"error: {error}");
    Console.Error.WriteLine("usage: dotnet run -c Release --project bench/Reminders.Bench -- --patients N --due D [--clinics 10] [--concurrency 8] [--no-outbox] [--keep-tables]");
    return 2;
}

// Everything as the hosts wire it (AddReminders), plus: the no-op sender unless an outbox folder is given, a real
// clock, a sweep budget long enough never to cut the run short, and a table client that meters its requests.
static ServiceProvider Services(string storage, string prefix, RequestMeter meter, string? outbox)
{
    var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
    {
        [StorageSettings.Name] = storage,
        ["Reminders:TablePrefix"] = prefix,
        ["Reminders:SweepTimeBudget"] = "00:30:00",
        ["Reminders:SendingEnabled"] = "true",
        // Unsubscribe links in every email; a bare service collection counts as production, so both are required.
        ["Reminders:PublicBaseUrl"] = "http://127.0.0.1:7071",
        ["Reminders:LinkSigningKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
        ["Reminders:AddressHashKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
        ["Email:Provider"] = "Outbox",
        ["Email:OutboxPath"] = outbox ?? Path.Combine(Path.GetTempPath(), "reminders-bench-unused"),
    }).Build();

    var services = new ServiceCollection();
    services.AddLogging(logging => logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning));
    services.AddSingleton(TimeProvider.System);
    if (outbox is null) services.AddSingleton<IEmailSender, NoOpEmailSender>(); // before AddReminders: it uses TryAddSingleton
    services.AddReminders(configuration);

    // Same client options as StorageSettings, plus the meter; registered last, so it is the one resolved.
    var options = new TableClientOptions();
    options.Diagnostics.IsLoggingContentEnabled = false;
    options.AddPolicy(meter, HttpPipelinePosition.PerRetry);
    services.AddSingleton(new TableServiceClient(storage, options));
    return services.BuildServiceProvider();
}

static async Task<(double Seconds, SweepResult Result)> TimedSweepAsync(IServiceProvider services, RequestMeter meter)
{
    var sweep = services.GetRequiredService<ReminderSweep>();
    meter.Reset();
    var watch = Stopwatch.StartNew();
    var result = await sweep.RunAsync(CancellationToken.None);
    return (watch.Elapsed.TotalSeconds, result);
}

static void PrintRequests(RequestMeter meter)
{
    Console.WriteLine("Storage requests during the sweep (table, kind: count, total, mean):");
    foreach (var (kind, count, totalMs) in meter.Snapshot())
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {kind,-22} {count,7:N0}  {totalMs / 1000,8:F2} s  {totalMs / count,8:F2} ms"));
}

internal static partial class Program
{
    private const string TableHeader = "| N patients | D due | seed s | sweep s (no-op sender) | sent | due rows read | storage requests | sweep s (outbox sender) | sent (outbox) |";
    private const string TableRule = "|---:|---:|---:|---:|---:|---:|---:|---:|---:|";
}
