using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;
using Reminders.Tests.Infrastructure;

namespace Reminders.Tests.Infra;

/// <summary>
/// The Bicep CLI from the NuGet package Azure.Bicep.CommandLine.linux-x64, restored with this project (its folder is
/// baked into the test assembly's metadata at build time): nothing is downloaded when the tests run.
/// </summary>
public static class BicepCli
{
    public sealed record Result(int ExitCode, string Output, string Errors);

    public static string MainFile { get; } = Path.Combine(RepoRoot.Path, "infra", "main.bicep");

    public static string Executable { get; } = Find();

    public static Result Run(params string[] arguments)
    {
        var start = new ProcessStartInfo(Executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = RepoRoot.Path,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        // No telemetry, and no wait on a version check that cannot reach the network here.
        start.Environment["BICEP_TELEMETRY_ENABLED"] = "false";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"bicep {string.Join(' ', arguments)} did not finish in 2 minutes.");
        }
        return new Result(process.ExitCode, output.Result, errors.Result);
    }

    private static string Find()
    {
        if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux) || RuntimeInformation.OSArchitecture != Architecture.X64)
            throw new PlatformNotSupportedException("The Bicep CLI package referenced here is the linux-x64 build.");
        var folder = typeof(BicepCli).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "BicepPackageFolder").Value;
        if (string.IsNullOrEmpty(folder))
            throw new InvalidOperationException("BicepPackageFolder is empty: the test project's restore did not resolve Azure.Bicep.CommandLine.linux-x64.");
        var executable = Path.Combine(folder, "tools", "bicep");
        if (!File.Exists(executable)) throw new FileNotFoundException("No bicep in the restored package.", executable);
        // NuGet extracts the file with the owner's execute bit only; whoever runs the tests must be able to execute it.
        var mode = File.GetUnixFileMode(executable);
        const UnixFileMode execute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        if ((mode & execute) != execute)
        {
            try { File.SetUnixFileMode(executable, mode | execute); }
            catch (UnauthorizedAccessException) { /* not ours to change: the owner's bit may still be enough */ }
        }
        return executable;
    }
}
