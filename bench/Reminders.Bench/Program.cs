using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
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

// Benchmarks (not tests). Every figure is reported as a ratio of a ceiling the same emulator reached in the same run.
//   dotnet run -c Release --project bench/Reminders.Bench -- [--quick]
// Storage: REMINDERS_BENCH_STORAGE (bench/run.sh starts Azurite and sets it). The baseline of the previous release's
// sequential sweep comes in BASELINE_RATE and BASELINE_REQUESTS (bench/run.sh measures it at that commit, same Azurite).
var quick = args.Contains("--quick");
// --only sweep|size|registration|import|memory: one scenario (and the ceilings), for working on it.
var only = args.SkipWhile(a => a != "--only").Skip(1).FirstOrDefault();
bool Run(string scenario) => only is null || only == scenario;
var storage = Environment.GetEnvironmentVariable("REMINDERS_BENCH_STORAGE")
              ?? throw new InvalidOperationException("Set REMINDERS_BENCH_STORAGE (bench/run.sh does).");
var report = new StringBuilder();
void Line(string text)
{
    Console.WriteLine(text);
    report.AppendLine(text);
}
string F(double value, string format = "N0") => value.ToString(format, CultureInfo.InvariantCulture);

var service = new TableServiceClient(storage);
var seconds = quick ? 2 : 5;
Console.WriteLine($"Measuring the storage ceilings ({seconds} s each)...");
var ceiling = await Ceilings.MeasureAsync(service, "BenchCeil" + Guid.NewGuid().ToString("N")[..6], TimeSpan.FromSeconds(seconds));
Line($"## Ceilings (Azurite, this run)");
Line("| upserts/s, 1 in flight | 8 in flight | 32 in flight | conditional read+update pairs/s, 8 | 32 | batch entities/s (100 per transaction, 8 in flight) | the same into a 15,000-row partition |");
Line("|---:|---:|---:|---:|---:|---:|---:|");
Line($"| {F(ceiling.Upserts1)} | {F(ceiling.Upserts8)} | {F(ceiling.Upserts32)} | {F(ceiling.ConditionalPairs8)} | {F(ceiling.ConditionalPairs32)} | {F(ceiling.BatchEntities8)} | {F(ceiling.BatchEntitiesIntoLargePartition)} |");
Line("");

// ---- Sweep throughput: N = 10,000 stored, D = 5,000 due ----
var sweepN = quick ? 2_000 : 10_000;
var sweepD = quick ? 1_000 : 5_000;
var parallelism = new RemindersOptions().SendParallelism;
var baselineRequests = Environment.GetEnvironmentVariable("BASELINE_REQUESTS") ?? "?";
if (Run("sweep")) {
var noOp = await SweepBench.RunAsync(storage, sweepN, sweepD, outbox: false);
var outbox = await SweepBench.RunAsync(storage, sweepN, sweepD, outbox: true);
var bound = ceiling.UpsertsAt(parallelism) / noOp.RequestsPerReminder;
var baselineRate = double.TryParse(Environment.GetEnvironmentVariable("BASELINE_RATE"), CultureInfo.InvariantCulture, out var b) ? b : double.NaN;
Line($"## Sweep throughput (N = {sweepN:N0} stored, D = {sweepD:N0} due, {parallelism} in flight)");
Line("| sender | sent | reminders/s | storage requests per reminder | ms per request (Azurite) | ÷ ceiling upserts/s at 8 ÷ requests per reminder | × previous release's sequential sweep |");
Line("|---|---:|---:|---:|---:|---:|---:|");
foreach (var (name, run) in new[] { ("no-op", noOp), ("outbox", outbox) })
    Line($"| {name} | {run.Sent:N0} | {F(run.RemindersPerSecond, "N1")} | {F(run.RequestsPerReminder, "N2")} | {F(run.MsPerRequest, "N2")} | {F(run.RemindersPerSecond / bound, "P0")} | {(double.IsNaN(baselineRate) ? "-" : F(run.RemindersPerSecond / baselineRate, "N1") + "×")} |");
Line($"Previous release (commit c385393), same Azurite, same N and D, no-op sender: {(double.IsNaN(baselineRate) ? "not measured" : F(baselineRate, "N1") + " reminders/s")}, {baselineRequests} requests per reminder.");
Line($"Requests per reminder in the timed sweep, by kind: {noOp.Kinds}");
Line("");
}

// ---- The same sweep at a cloud round trip: every storage response held 10 ms by bench/latency-proxy.js ----
var slow = Environment.GetEnvironmentVariable("REMINDERS_BENCH_STORAGE_SLOW");
if (slow is not null && Run("latency"))
{
    var (n, d) = quick ? (1_000, 200) : (2_000, 500);
    var sequential = await SweepBench.RunAsync(slow, n, d, outbox: false, parallelism: 1);
    var parallel = await SweepBench.RunAsync(slow, n, d, outbox: false);
    var baselineSlow = double.TryParse(Environment.GetEnvironmentVariable("BASELINE_SLOW_RATE"), CultureInfo.InvariantCulture, out var bs) ? bs : double.NaN;
    Line($"## Sweep throughput at a 10 ms round trip (N = {n:N0}, D = {d:N0}, no-op sender, through bench/latency-proxy.js)");
    Line("| sweep | reminders/s | storage requests per reminder | × previous release's sequential sweep |");
    Line("|---|---:|---:|---:|");
    Line($"| previous release (commit c385393), one at a time | {(double.IsNaN(baselineSlow) ? "-" : F(baselineSlow, "N1"))} | {baselineRequests} | 1.0× |");
    foreach (var (name, run) in new[] { ("this release, SendParallelism = 1", sequential), ($"this release, SendParallelism = {parallelism}", parallel) })
        Line($"| {name} | {F(run.RemindersPerSecond, "N1")} | {F(run.RequestsPerReminder, "N2")} | {(double.IsNaN(baselineSlow) ? "-" : F(run.RemindersPerSecond / baselineSlow, "N1") + "×")} |");
    Line("");
}

// ---- Independence from stored size ----
if (!quick && Run("size"))
{
    var small = await SweepBench.RunAsync(storage, 10_000, 1_000, outbox: false);
    var large = await SweepBench.RunAsync(storage, 100_000, 1_000, outbox: false);
    Line("## Independence from stored size (D = 1,000 due, no-op sender)");
    Line("| N stored | storage requests per reminder | ms per request (Azurite) | reminders/s |");
    Line("|---:|---:|---:|---:|");
    foreach (var run in new[] { small, large })
        Line($"| {run.Stored:N0} | {F(run.RequestsPerReminder, "N2")} | {F(run.MsPerRequest, "N2")} | {F(run.RemindersPerSecond, "N1")} |");
    Line("");
}

// ---- Registration under load, batch import, memory: the Server as its own process ----
if (Run("registration")) {
var registration = await ServerBench.RegistrationAsync(storage, quick);
const double writesPerRegistration = 2; // due row, then patient + session + marker in one transaction (and one read)
Line("## Registration under load (POST /api/sessions from 50 clinics, open-loop fixed rate, the Server on loopback)");
Line("| rate/s | seconds | sent | p50 ms | p99 ms | max ms | errors | refused (503) |");
Line("|---:|---:|---:|---:|---:|---:|---:|---:|");
foreach (var r in registration.Runs)
    Line($"| {r.Rate} | {r.Sent / r.Rate} | {r.Sent:N0} | {F(r.P50, "N1")} | {F(r.P99, "N1")} | {F(r.Max, "N0")} | {r.Errors} | {r.Refused} |");
var highest = registration.Runs.Where(r => r.P99 < 100 && r.Errors == 0 && r.Refused == 0).Select(r => r.Rate).DefaultIfEmpty(0).Max();
Line($"Highest rate held with p99 < 100 ms and no error: {highest}/s = {F(highest / (ceiling.Upserts32 / writesPerRegistration), "P0")} of (ceiling upserts/s at 32 ÷ {writesPerRegistration} writes per registration).");
Line("");
}

if (Run("import")) {
var import = await ServerBench.ImportAsync(storage, quick ? 10_000 : 100_000, clinicCount: 20);
var oneClinic = await ServerBench.ImportAsync(storage, 10_000, clinicCount: 1);
Line("## Batch import (POST /api/sessions/batch, 500 per call, 4 calls in flight)");
Line("| sessions | clinics | seconds | sessions/s | ÷ (batch entities/s ÷ 4 rows per session) | ÷ the same into a 15,000-row partition | failed |");
Line("|---:|---:|---:|---:|---:|---:|---:|");
foreach (var (run, clinicsUsed) in new[] { (import, 20), (oneClinic, 1) })
    Line($"| {run.Sessions:N0} | {clinicsUsed} | {F(run.Seconds, "N1")} | {F(run.PerSecond)} | {F(run.PerSecond / (ceiling.BatchEntities8 / 4), "P0")} | {F(run.PerSecond / (ceiling.BatchEntitiesIntoLargePartition / 4), "P0")} | {run.Failed} |");
Line("");
}

if (only == "import-inproc")
{
    // Where a batch import's time goes: the same batches, in process, every storage request metered.
    var prefix = "BenchImpIn" + Guid.NewGuid().ToString("N")[..6];
    var meter = new RequestMeter(prefix);
    await using var sp = SweepBench.Services(storage, prefix, meter, Path.GetTempPath());
    var clinics = Seeder.Clinics(1);
    await sp.GetRequiredService<ClinicDirectory>().SaveAsync(clinics[0], CancellationToken.None);
    var batch = sp.GetRequiredService<Reminders.Sessions.SessionBatchRegistration>();
    var today = DateOnly.FromDateTime(DateTime.UtcNow);
    var watch = Stopwatch.StartNew();
    for (var call = 0; call < 10; call++)
    {
        var items = Enumerable.Range(call * 500, 500).Select(i => (Reminders.Sessions.ValidSession?)new Reminders.Sessions.ValidSession(
            $"imp{i:0000000}", $"imp{i}@example.com", "Alex", today.AddDays(-(i % 70)), today.AddDays(-(i % 70)).ToString("yyyy-MM-dd"), null)).ToList();
        var t = Stopwatch.StartNew();
        await batch.RegisterAsync(clinics[0], items, CancellationToken.None);
        Console.WriteLine($"call {call}: {t.Elapsed.TotalSeconds:F2} s");
    }
    Console.WriteLine($"5000 in {watch.Elapsed.TotalSeconds:F1} s");
    foreach (var (kind, count, ms) in meter.Snapshot()) Console.WriteLine($"  {kind,-22} {count,7}  {ms / 1000,8:F2} s  {ms / count,8:F2} ms");
}

if (Run("memory")) {
var memory = await ServerBench.MemoryAsync(storage, quick ? 2_000 : 20_000);
Line($"## Memory (the Server through one sweep of {memory.Due:N0} due reminders, outbox sender)");
Line($"Sent {memory.Sent:N0} in {F(memory.Seconds, "N1")} s; resident memory before {F(memory.Before, "N0")} MB, peak {F(memory.Peak, "N0")} MB.");
}

var file = Environment.GetEnvironmentVariable("BENCH_REPORT");
if (file is not null) await File.WriteAllTextAsync(file, report.ToString());
return 0;
