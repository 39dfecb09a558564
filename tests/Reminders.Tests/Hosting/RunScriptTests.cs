using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Reminders.Tests.Docs;
using Reminders.Tests.Infrastructure;

namespace Reminders.Tests.Hosting;

/// <summary>
/// scripts/run, started in the background by another script (where bash ignores SIGINT, so only SIGTERM can stop it):
/// README's walkthrough works against it, and SIGTERM leaves no Azurite and no Server behind. One start serves both,
/// because starting Azurite and the Server is the slow part on a loaded machine.
/// </summary>
public sealed class RunScriptTests
{
    [Fact]
    public async Task The_walkthrough_works_against_scripts_run_and_SIGTERM_leaves_nothing_behind()
    {
        // /proc tells which processes carry this run's marker, even after they were re-parented.
        Assert.SkipUnless(OperatingSystem.IsLinux(), "Finds the started processes through /proc.");
        var work = Directory.CreateTempSubdirectory("reminders-run-");
        var marker = Guid.NewGuid().ToString("N");
        int http = FreePort(), blob = FreePort(), queue = FreePort(), table = FreePort();
        var log = Path.Combine(work.FullName, "run.log");
        // The walkthrough runs in its own folder, as if it were the repository root: .local/ and outbox/ in it.
        var reader = Directory.CreateDirectory(Path.Combine(work.FullName, "reader"));
        var pidFile = Path.Combine(work.FullName, "run.pid");

        // Like `scripts/run &` in a user's script: the wrapper backgrounds it and waits.
        var start = new ProcessStartInfo("bash")
        {
            ArgumentList = { "-c", "exec </dev/null; scripts/run --no-build >\"$RUN_LOG\" 2>&1 & echo $! >\"$RUN_PID\"; wait" },
            WorkingDirectory = RepoRoot.Path,
            UseShellExecute = false,
        };
        // dotnet test's MSBuild variables are no business of the script.
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)).ToList())
            start.Environment.Remove(key);
        start.Environment["RUN_LOG"] = log;
        start.Environment["RUN_PID"] = pidFile;
        start.Environment["REMINDERS_RUN_TEST"] = marker;
        start.Environment["Configuration"] = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}") ? "Debug" : "Release";
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{http}";
        start.Environment["AZURITE_BLOB_PORT"] = blob.ToString();
        start.Environment["AZURITE_QUEUE_PORT"] = queue.ToString();
        start.Environment["AZURITE_TABLE_PORT"] = table.ToString();
        start.Environment["AZURITE_LOCATION"] = Path.Combine(work.FullName, "azurite");
        start.Environment["Email__OutboxPath"] = Path.Combine(reader.FullName, "outbox");
        start.Environment["Logging__LogLevel__Default"] = "Warning";

        using var wrapper = Process.Start(start)!;
        try
        {
            using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            var deadline = DateTime.UtcNow.AddSeconds(90);   // generous: a loaded 2-core box starts Azurite and the Server slowly
            while (true)
            {
                try
                {
                    if ((await client.GetAsync($"http://127.0.0.1:{http}/api/health")).StatusCode == HttpStatusCode.OK) break;
                }
                catch (HttpRequestException) { }
                catch (TaskCanceledException) { }
                Assert.False(wrapper.HasExited, "scripts/run ended before it served /api/health:\n" + Read(log));
                Assert.True(DateTime.UtcNow < deadline, "scripts/run did not serve /api/health within 90 s:\n" + Read(log));
                await Task.Delay(200);
            }
            var started = Marked(marker);
            Assert.Contains(started, p => p.CommandLine.Contains("azurite", StringComparison.Ordinal));
            Assert.Contains(started, p => p.CommandLine.Contains("Reminders.Server", StringComparison.Ordinal));

            Directory.CreateDirectory(Path.Combine(reader.FullName, ".local"));
            File.Copy(Path.Combine(RepoRoot.Path, ".local", "admin-key"), Path.Combine(reader.FullName, ".local", "admin-key"));
            var walkthrough = await RunAsync(Walkthrough.Script().Replace("http://127.0.0.1:7071", $"http://127.0.0.1:{http}"), reader.FullName);
            Assert.True(walkthrough.Contains("\"sent\":1,", StringComparison.Ordinal) && walkthrough.Contains("\"status\":\"Sent\"", StringComparison.Ordinal),
                "The walkthrough did not send its email:\n" + walkthrough + "\n" + Read(log));
            Assert.Single(Directory.GetFiles(Path.Combine(reader.FullName, "outbox"), "*.eml"));

            var runPid = int.Parse(File.ReadAllText(pidFile).Trim());
            Signal(runPid, "TERM");

            // The Server and Azurite get 10 s each before SIGKILL; normally they are gone in about a second.
            var stopDeadline = DateTime.UtcNow.AddSeconds(25);
            var left = Marked(marker);
            while (left.Count > 0 && DateTime.UtcNow < stopDeadline)
            {
                await Task.Delay(100);
                left = Marked(marker);
            }
            Assert.True(left.Count == 0, "Still running after SIGTERM:\n" + string.Join("\n", left.Select(p => $"{p.Pid} {p.CommandLine}")) + "\n" + Read(log));
            Assert.True(wrapper.WaitForExit(5000));

            var output = Read(log);
            Assert.Contains("Stopped.", output);
            Assert.Contains("kill " + runPid, output);   // tells how to stop it
            Assert.Contains("Development", output);
            Assert.Contains("azurite.log", output);
        }
        finally
        {
            // A failed run leaves nothing behind either.
            foreach (var process in Marked(marker)) Signal(process.Pid, "KILL");
            try { work.Delete(recursive: true); } catch (IOException) { }
        }
    }

    /// <summary>Runs a script with bash in <paramref name="directory"/>; stdout and stderr together.</summary>
    private static async Task<string> RunAsync(string script, string directory)
    {
        var start = new ProcessStartInfo("bash") { ArgumentList = { "-c", script }, WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using var bash = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var output = bash.StandardOutput.ReadToEndAsync(timeout.Token);
        var error = bash.StandardError.ReadToEndAsync(timeout.Token);
        await bash.WaitForExitAsync(timeout.Token);
        return await output + await error;
    }

    private sealed record Started(int Pid, string CommandLine);

    /// <summary>Live processes whose environment carries the marker (zombies have no environment left).</summary>
    private static List<Started> Marked(string marker)
    {
        var needle = "REMINDERS_RUN_TEST=" + marker;
        var found = new List<Started>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            try
            {
                if (!File.ReadAllText(Path.Combine(dir, "environ")).Split('\0').Contains(needle)) continue;
                found.Add(new Started(pid, File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ').Trim()));
            }
            catch (IOException) { }                   // exited meanwhile
            catch (UnauthorizedAccessException) { }   // not ours
        }
        return found;
    }

    private static void Signal(int pid, string signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-" + signal, pid.ToString() }, UseShellExecute = false, RedirectStandardError = true })!;
        kill.WaitForExit();
    }

    private static string Read(string path) => File.Exists(path) ? File.ReadAllText(path) : "(no output)";

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
