using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

[assembly: Xunit.AssemblyFixture(typeof(Reminders.Tests.Infrastructure.Azurite))]

namespace Reminders.Tests.Infrastructure;

/// <summary>
/// One real Azurite for the whole test run, on free loopback ports, data in memory. Set
/// REMINDERS_TEST_STORAGE to a connection string to use a storage account or Azurite you run yourself.
/// Tests isolate themselves with their own table prefix.
/// </summary>
public sealed class Azurite : IAsyncLifetime
{
    private const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private Process? _process;

    public string ConnectionString { get; private set; } = "";

    public async ValueTask InitializeAsync()
    {
        var external = Environment.GetEnvironmentVariable("REMINDERS_TEST_STORAGE");
        if (!string.IsNullOrWhiteSpace(external))
        {
            ConnectionString = external;
            return;
        }

        var azurite = Path.Combine(RepoRoot.Path, "node_modules", ".bin", "azurite");
        if (!File.Exists(azurite))
            throw new InvalidOperationException($"Azurite is not installed at {azurite}: run 'npm ci' in the repository root (the test script does).");

        int blob = FreePort(), queue = FreePort(), table = FreePort();
        var start = new ProcessStartInfo(azurite)
        {
            ArgumentList =
            {
                "--blobHost", "127.0.0.1", "--blobPort", blob.ToString(),
                "--queueHost", "127.0.0.1", "--queuePort", queue.ToString(),
                "--tableHost", "127.0.0.1", "--tablePort", table.ToString(),
                "--inMemoryPersistence", "--skipApiVersionCheck", "--disableTelemetry",
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        _process = Process.Start(start) ?? throw new InvalidOperationException("Azurite did not start.");

        // Ready when all three services say they listen; no fixed sleep.
        var listening = 0;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (listening < 3)
        {
            var line = await _process.StandardOutput.ReadLineAsync(timeout.Token)
                       ?? throw new InvalidOperationException("Azurite exited: " + await _process.StandardError.ReadToEndAsync());
            if (line.Contains("successfully listening", StringComparison.Ordinal)) listening++;
        }
        _ = _process.StandardOutput.BaseStream.CopyToAsync(Stream.Null);
        _ = _process.StandardError.BaseStream.CopyToAsync(Stream.Null);

        ConnectionString =
            $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AccountKey};" +
            $"BlobEndpoint=http://127.0.0.1:{blob}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:{queue}/devstoreaccount1;" +
            $"TableEndpoint=http://127.0.0.1:{table}/devstoreaccount1;";
    }

    public ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false }) _process.Kill(entireProcessTree: true);
        _process?.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>A table prefix no other test uses.</summary>
    public static string NewTablePrefix() => "T" + Guid.NewGuid().ToString("N")[..12];

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
