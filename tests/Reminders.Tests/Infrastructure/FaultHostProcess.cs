using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Reminders.Tests.Infrastructure;

/// <summary>
/// The Server host as a separate process (tests/Reminders.FaultHost): real HTTP, real storage, a journal of every
/// storage request and provider handover, optionally frozen at its N-th storage request so the test can SIGKILL it
/// exactly there.
/// </summary>
public sealed class FaultHostProcess : IAsyncDisposable
{
    private readonly Process _process;

    private FaultHostProcess(Process process, string journal, Uri address)
    {
        _process = process;
        JournalPath = journal;
        Client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromMinutes(2) };
    }

    public string JournalPath { get; }
    public HttpClient Client { get; }

    public static string Assembly
    {
        get
        {
            var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}") ? "Debug" : "Release";
            return Path.Combine(RepoRoot.Path, "tests", "Reminders.FaultHost", "bin", configuration, "net10.0", "Reminders.FaultHost.dll");
        }
    }

    /// <param name="pauseAt">The storage request to freeze at (0: never).</param>
    /// <param name="clockAnchor">The real instant that maps to <paramref name="clockStart"/>; processes sharing it agree on the time.</param>
    /// <param name="clockSpeed">Simulated seconds per real second.</param>
    public static async Task<FaultHostProcess> StartAsync(IReadOnlyDictionary<string, string?> settings, DateTimeOffset clockStart, int pauseAt, string journal,
        DateTimeOffset? clockAnchor = null, double clockSpeed = 1)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { Assembly, "--urls=http://127.0.0.1:0" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (key, value) in settings) start.Environment[key.Replace(":", "__")] = value;
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["FAULT_JOURNAL"] = journal;
        start.Environment["FAULT_PAUSE_AT"] = pauseAt.ToString();
        start.Environment["FAULT_CLOCK_START"] = clockStart.ToString("O");
        start.Environment["FAULT_CLOCK_ANCHOR"] = (clockAnchor ?? DateTimeOffset.UtcNow).ToString("O");
        start.Environment["FAULT_CLOCK_SPEED"] = clockSpeed.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var process = Process.Start(start) ?? throw new InvalidOperationException("The fault host did not start.");
        _ = process.StandardOutput.BaseStream.CopyToAsync(Stream.Null);
        _ = process.StandardError.BaseStream.CopyToAsync(Stream.Null);

        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            var listening = ReadLines(journal).FirstOrDefault(l => l.StartsWith("LISTENING ", StringComparison.Ordinal));
            if (listening is not null) return new FaultHostProcess(process, journal, new Uri(listening.Split(' ')[1]));
            if (process.HasExited) throw new InvalidOperationException($"The fault host exited with {process.ExitCode}.");
            await Task.Delay(20);
        }
        process.Kill(entireProcessTree: true);
        throw new TimeoutException("The fault host did not start listening.");
    }

    /// <summary>POST /api/sweeps; completes when the sweep answers, fails when the process is killed first.</summary>
    public async Task<HttpResponseMessage> SweepAsync()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/sweeps");
        request.Headers.Add("X-Admin-Key", TestSettings.AdminKey);
        return await Client.SendAsync(request);
    }

    /// <summary>Waits until the process froze at its pause point (true) or <paramref name="done"/> completed (false).</summary>
    public async Task<bool> FrozenOrDoneAsync(Task done, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (ReadLines(JournalPath).Contains("FROZEN")) return true;
            if (done.IsCompleted) return false;
            await Task.Delay(10);
        }
        throw new TimeoutException("The fault host neither froze nor finished its sweep.");
    }

    /// <summary>SIGKILL: no shutdown, no flush, no finally blocks.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public static string[] ReadLines(string path)
    {
        if (!File.Exists(path)) return [];
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(file);
        return reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await KillAsync();
        _process.Dispose();
    }
}

/// <summary>What one process's journal says: messages handed to the provider (and when, by its clock), and which of them never got their ledger outcome written.</summary>
public sealed partial record FaultJournal(IReadOnlyList<Guid> Handed, IReadOnlySet<Guid> HandedButUnrecorded, int? PausedAt, IReadOnlyList<DateTimeOffset> HandedAt)
{
    public static FaultJournal Read(string path, string ledgerTable)
    {
        var handed = new List<Guid>();
        var handedAt = new List<DateTimeOffset>();
        var unrecorded = new HashSet<Guid>();
        var requests = new Dictionary<int, string>();
        int? paused = null;
        foreach (var line in FaultHostProcess.ReadLines(path))
        {
            var parts = line.Split(' ', 4);
            switch (parts[0])
            {
                case "HANDED":
                    var id = Guid.Parse(parts[1]);
                    handed.Add(id);
                    if (parts.Length > 3) handedAt.Add(DateTimeOffset.Parse(parts[3], System.Globalization.CultureInfo.InvariantCulture));
                    unrecorded.Add(id);
                    break;
                case "REQ":
                    requests[int.Parse(parts[1])] = parts[2] + " " + parts[3];
                    break;
                case "DONE" when int.Parse(parts[2]) is >= 200 and < 300 && requests.TryGetValue(int.Parse(parts[1]), out var request):
                    // The ledger outcome is an update (PUT) of the reminder's ledger row.
                    var match = LedgerUpdate().Match(request);
                    if (match.Success && match.Groups["table"].Value == ledgerTable) unrecorded.Remove(Guid.Parse(match.Groups["id"].Value));
                    break;
                case "PAUSE":
                    paused = int.Parse(parts[1]);
                    break;
            }
        }
        return new FaultJournal(handed, unrecorded, paused, handedAt);
    }

    [GeneratedRegex(@"^PUT /?[^/]+/(?<table>[A-Za-z0-9]+)\(PartitionKey='(?<id>[0-9a-f-]{36})',RowKey='send'\)")]
    private static partial Regex LedgerUpdate();
}
