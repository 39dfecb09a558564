using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Reminders.Bench;

/// <summary>The Server host as its own process (the Release build), on a free loopback port, reached over real HTTP.</summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;

    private ServerProcess(Process process, Uri address)
    {
        _process = process;
        Address = address;
    }

    public Uri Address { get; }
    public int Pid => _process.Id;

    public static async Task<ServerProcess> StartAsync(IReadOnlyDictionary<string, string> settings)
    {
        var dll = Path.Combine(RepoRoot(), "src", "Reminders.Server", "bin", "Release", "net10.0", "Reminders.Server.dll");
        if (!File.Exists(dll)) throw new InvalidOperationException($"Build the Server first (dotnet build -c Release): {dll} is missing.");
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet") { ArgumentList = { dll, $"--urls=http://127.0.0.1:{port}" }, UseShellExecute = false,
            RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (key, value) in settings) start.Environment[key.Replace(":", "__")] = value;
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        var process = Process.Start(start)!;
        _ = process.StandardOutput.BaseStream.CopyToAsync(Stream.Null);
        _ = process.StandardError.BaseStream.CopyToAsync(Stream.Null);
        var address = new Uri($"http://127.0.0.1:{port}");
        using var probe = new HttpClient { BaseAddress = address };
        for (var i = 0; i < 300; i++)
        {
            try
            {
                if ((await probe.GetAsync("/api/health")).StatusCode == HttpStatusCode.OK) return new ServerProcess(process, address);
            }
            catch (HttpRequestException) { }
            if (process.HasExited) throw new InvalidOperationException($"The Server exited with {process.ExitCode}.");
            await Task.Delay(100);
        }
        process.Kill(true);
        throw new TimeoutException("The Server did not answer /api/health.");
    }

    /// <summary>Resident set size now and at its peak (VmRSS, VmHWM from /proc), in MB.</summary>
    public (double Rss, double Peak) Memory()
    {
        var status = File.ReadAllLines($"/proc/{_process.Id}/status");
        double Kb(string key) => double.Parse(status.First(l => l.StartsWith(key + ":", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024;
        return (Kb("VmRSS"), Kb("VmHWM"));
    }

    public static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Reminders.sln"))) return dir.FullName;
        throw new InvalidOperationException("Reminders.sln not found");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited) _process.Kill(true);
        await _process.WaitForExitAsync();
        _process.Dispose();
    }
}
