using Reminders.Tests.Infrastructure;

namespace Reminders.Tests.Infra;

/// <summary>infra/ compiles and passes the Bicep linter with no error and no warning.</summary>
public sealed class BicepBuildTests
{
    public static TheoryData<string> BicepFiles()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.EnumerateFiles(Path.Combine(RepoRoot.Path, "infra"), "*.bicep", SearchOption.AllDirectories).Order())
            data.Add(Path.GetRelativePath(RepoRoot.Path, file));
        return data;
    }

    [Fact]
    public void Main_builds_without_errors_or_warnings()
    {
        var result = BicepCli.Run("build", BicepCli.MainFile, "--stdout");

        Assert.True(result.ExitCode == 0, result.Errors);
        Assert.Equal("", Diagnostics(result));
        Assert.StartsWith("{", result.Output.TrimStart());
    }

    [Theory]
    [MemberData(nameof(BicepFiles))]
    public void Each_file_passes_the_linter_without_warnings(string file)
    {
        var result = BicepCli.Run("lint", file);

        Assert.True(result.ExitCode == 0, result.Output + result.Errors);
        Assert.Equal("", Diagnostics(result));
    }

    /// <summary>The checks above could pass by saying nothing (a config that turns every rule off): here it must speak.</summary>
    [Fact]
    public void The_linter_reports_a_warning_when_there_is_one()
    {
        var folder = Directory.CreateTempSubdirectory("bicep-lint-");
        try
        {
            // The repository's linter configuration, if any, applies to the probe as it does to infra/.
            var config = Path.Combine(RepoRoot.Path, "infra", "bicepconfig.json");
            if (File.Exists(config)) File.Copy(config, Path.Combine(folder.FullName, "bicepconfig.json"));
            var file = Path.Combine(folder.FullName, "probe.bicep");
            File.WriteAllText(file, "param unused string\n");

            var result = BicepCli.Run("lint", file);

            Assert.Contains("no-unused-params", Diagnostics(result));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static string Diagnostics(BicepCli.Result result) =>
        string.Join('\n', (result.Output + "\n" + result.Errors).Split('\n')
            .Where(line => line.Contains(": Warning ") || line.Contains(": Error ") || line.Contains(": Info ")));
}
