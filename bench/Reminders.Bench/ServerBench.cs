using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Reminders.Clinics;
using Microsoft.Extensions.DependencyInjection;
using Reminders.Storage;

namespace Reminders.Bench;

/// <summary>Scenarios against the Server host as its own process, over loopback HTTP.</summary>
internal static class ServerBench
{
    private const string AdminKey = "bench-admin-key";

    public sealed record Registration(IReadOnlyList<LoadGenerator.Result> Runs);
    public sealed record Import(int Sessions, double Seconds, int Failed)
    {
        public double PerSecond => Sessions / Seconds;
    }
    public sealed record Memory(int Due, int Sent, double Seconds, double Before, double Peak);

    private static Dictionary<string, string> Settings(string storage, string prefix) => new()
    {
        ["AzureWebJobsStorage"] = storage,
        ["Reminders:TablePrefix"] = prefix,
        ["Reminders:AdminKey"] = AdminKey,
        ["Reminders:PublicBaseUrl"] = "http://127.0.0.1:7071",
        ["Reminders:LinkSigningKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
        ["Reminders:AddressHashKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
        ["Reminders:DispatchQueue"] = "bench-" + prefix.ToLowerInvariant(),
        ["Reminders:ConsumeDispatchQueue"] = "false",
        ["Reminders:SweepTimeBudget"] = "00:30:00",
        ["ReminderSweepSchedule"] = "0 0 0 1 1 *",
        ["Email:Provider"] = "Outbox",
        ["Email:OutboxPath"] = Path.Combine(Path.GetTempPath(), "reminders-bench-server-" + prefix),
    };

    private static HttpClient Client(Uri address) => new(new SocketsHttpHandler { MaxConnectionsPerServer = 512, PooledConnectionLifetime = TimeSpan.FromMinutes(10) })
    {
        BaseAddress = address, Timeout = TimeSpan.FromSeconds(10),
    };

    private static async Task<string> CreateClinicAsync(HttpClient client, string id)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, $"/api/clinics/{id}")
        {
            Content = JsonContent.Create(new { name = "Bench " + id, timeZone = "Europe/Madrid", bookingUrl = "https://bench.example.com/book", sendWindowStart = "00:00", sendWindowEnd = "24:00" }),
        };
        request.Headers.Add("X-Admin-Key", AdminKey);
        var response = await client.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["apiKey"]!.GetValue<string>();
    }

    public static async Task<Registration> RegistrationAsync(string storage, bool quick)
    {
        var prefix = "BenchReg" + Guid.NewGuid().ToString("N")[..8];
        await using var server = await ServerProcess.StartAsync(Settings(storage, prefix));
        using var client = Client(server.Address);
        // A group's clinic systems posting at once: 50 clinics, each its own key (and its own partition).
        var keys = new List<string>();
        for (var c = 0; c < 50; c++) keys.Add(await CreateClinicAsync(client, $"reg{c:00}"));
        var injection = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-10).ToString("yyyy-MM-dd");
        var counter = 0;
        HttpRequestMessage Post(string id)
        {
            var key = keys[Interlocked.Increment(ref counter) % keys.Count];
            var message = new HttpRequestMessage(HttpMethod.Post, "/api/sessions")
            {
                Content = new StringContent($$"""{"patientId":"{{id}}","email":"{{id}}@example.com","firstName":"Alex","injectionDate":"{{injection}}"}""", Encoding.UTF8, "application/json"),
            };
            message.Headers.Add("X-Api-Key", key);
            return message;
        }
        // Warm up the process and connections.
        await LoadGenerator.RunAsync(client, 50, TimeSpan.FromSeconds(2), i => Post($"warm-{i}"));

        var runs = new List<LoadGenerator.Result>();
        var fixedSeconds = quick ? 5 : 30;
        foreach (var rate in new[] { 50, 200, 500 })
        {
            Console.WriteLine($"Registration at {rate}/s for {fixedSeconds} s...");
            runs.Add(await LoadGenerator.RunAsync(client, rate, TimeSpan.FromSeconds(fixedSeconds), i => Post($"r{rate}-{i}")));
            Console.WriteLine($"  {runs[^1]}");
        }
        // Where the highest rate with p99 under 100 ms lies: shorter steps between and beyond.
        foreach (var rate in new[] { 250, 300, 400, 700, 1000 })
        {
            Console.WriteLine($"Registration at {rate}/s for 10 s...");
            runs.Add(await LoadGenerator.RunAsync(client, rate, TimeSpan.FromSeconds(quick ? 3 : 10), i => Post($"s{rate}-{i}")));
            Console.WriteLine($"  {runs[^1]}");
        }
        return new Registration(runs.OrderBy(r => r.Rate).ThenByDescending(r => r.Sent).ToList());
    }

    /// <summary>
    /// A group back-filling its clinics: <paramref name="sessions"/> new patients spread over <paramref name="clinicCount"/>
    /// clinics (each call holds 500 of one clinic, with that clinic's key), 4 calls in flight.
    /// </summary>
    public static async Task<Import> ImportAsync(string storage, int sessions, int clinicCount)
    {
        var prefix = "BenchImp" + Guid.NewGuid().ToString("N")[..8];
        await using var server = await ServerProcess.StartAsync(Settings(storage, prefix));
        using var client = Client(server.Address);
        client.Timeout = TimeSpan.FromMinutes(5);
        var keys = new List<string>();
        for (var c = 0; c < clinicCount; c++) keys.Add(await CreateClinicAsync(client, $"imp{c:000}"));
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var calls = Enumerable.Range(0, sessions / 500).Select(call =>
        {
            var items = Enumerable.Range(call * 500, 500).Select(i =>
                $$"""{"patientId":"imp{{i:0000000}}","email":"imp{{i:0000000}}@example.com","firstName":"Alex","injectionDate":"{{today.AddDays(-(i % 70)):yyyy-MM-dd}}"}""");
            return (Key: keys[call % clinicCount], Body: "{\"sessions\":[" + string.Join(",", items) + "]}");
        }).ToList();
        Console.WriteLine($"Importing {sessions:N0} sessions into {clinicCount} clinics in {calls.Count} calls...");
        var failed = 0;
        var watch = Stopwatch.StartNew();
        await Parallel.ForEachAsync(calls, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (call, ct) =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/sessions/batch") { Content = new StringContent(call.Body, Encoding.UTF8, "application/json") };
            request.Headers.Add("X-Api-Key", call.Key);
            using var response = await client.SendAsync(request, ct);
            if (!response.IsSuccessStatusCode) { Interlocked.Add(ref failed, 500); return; }
            var result = (await response.Content.ReadFromJsonAsync<JsonObject>(ct))!;
            Interlocked.Add(ref failed, result["failed"]!.GetValue<int>());
        });
        watch.Stop();
        Console.WriteLine($"  {sessions} in {watch.Elapsed.TotalSeconds:F1} s, {failed} failed");
        return new Import(sessions, watch.Elapsed.TotalSeconds, failed);
    }

    public static async Task<Memory> MemoryAsync(string storage, int due)
    {
        var prefix = "BenchMem" + Guid.NewGuid().ToString("N")[..8];
        var settings = Settings(storage, prefix);
        // Seed straight into storage with the bench's own services (same layout as registration writes).
        await using (var seeding = SweepBench.Services(storage, prefix, new RequestMeter(prefix), Path.GetTempPath()))
        {
            var seeder = new Seeder(seeding.GetRequiredService<ReminderTables>(), seeding.GetRequiredService<ClinicDirectory>(), 8);
            var clinics = Seeder.Clinics(10);
            await seeder.SaveClinicsAsync(clinics, CancellationToken.None);
            await seeder.WriteAsync(Seeder.Patients(clinics, due, due, clinics[0].Today(TimeProvider.System)), clinics.ToDictionary(c => c.Id), reset: false, CancellationToken.None);
        }
        await using var server = await ServerProcess.StartAsync(settings);
        using var client = Client(server.Address);
        client.Timeout = TimeSpan.FromMinutes(30);
        var before = server.Memory().Rss;
        Console.WriteLine($"Sweeping {due:N0} due reminders in the Server (pid {server.Pid}), RSS {before:F0} MB...");
        var watch = Stopwatch.StartNew();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/sweeps");
        request.Headers.Add("X-Admin-Key", AdminKey);
        var response = await client.SendAsync(request);
        response.EnsureSuccessStatusCode();
        var sent = (await response.Content.ReadFromJsonAsync<JsonObject>())!["sent"]!.GetValue<int>();
        var peak = server.Memory().Peak;
        Console.WriteLine($"  sent {sent} in {watch.Elapsed.TotalSeconds:F1} s, peak RSS {peak:F0} MB");
        var outbox = settings["Email:OutboxPath"];
        if (Directory.Exists(outbox)) Directory.Delete(outbox, recursive: true);
        return new Memory(due, sent, watch.Elapsed.TotalSeconds, before, peak);
    }
}
