using System.Diagnostics;
using System.Text.RegularExpressions;
using Reminders.Tests.Infrastructure;

namespace Reminders.Tests.Docs;

/// <summary>
/// The walkthrough and the scripts run on macOS as on Linux: no GNU-only options (macOS ships BSD tools), nothing
/// newer than bash 3.2 (macOS's /bin/bash), and no comments in the walkthrough, which zsh, macOS's default shell,
/// runs as commands when pasted (unless interactivecomments is set).
/// </summary>
public sealed partial class PortableShellTests
{
    private static readonly (Regex Pattern, string Why)[] GnuOnly =
    [
        (new(@"\bdate\s+(-d\b|--date\b)"), "GNU date's -d; BSD date adjusts with -v (write `date -v-80d +%F 2>/dev/null || date -d '80 days ago' +%F`)"),
        (new(@"\bsed\s+(-[a-zA-Z]+\s+)*-i(\s|$)"), "GNU sed -i without a suffix; BSD sed needs one (-i.bak)"),
        (new(@"\bsed\s+(-[a-zA-Z]+\s+)*-[a-zA-Z]*r\b"), "GNU sed -r; use -E"),
        (new(@"\bgrep\s+(-[a-zA-Z]+\s+)*-[a-zA-Z]*P"), "GNU grep -P (Perl regex)"),
        (new(@"\breadlink\s+-f\b"), "readlink -f (not on older macOS)"),
        (new(@"\bxargs\s+(-[a-zA-Z]+\s+)*-r\b"), "GNU xargs -r"),
        (new(@"\bbase64\s+(-[a-zA-Z]+\s+)*-w\b"), "GNU base64 -w"),
        (new(@"\bstat\s+-c\b"), "GNU stat -c"),
        (new(@"\bwait\s+-n\b|\bmapfile\b|\breadarray\b|\bdeclare\s+-A\b|\$\{[A-Za-z_]+(,,|\^\^)\}"), "bash 4+ (macOS has bash 3.2)"),
    ];

    public static TheoryData<string> Scripts() =>
        new(new[] { "scripts", ".ci" }.SelectMany(dir => Directory.GetFiles(Path.Combine(RepoRoot.Path, dir)))
            .Select(path => Path.GetRelativePath(RepoRoot.Path, path).Replace('\\', '/')).Order());

    [Fact]
    public void The_walkthrough_uses_no_gnu_only_commands()
    {
        var problems = Problems(Walkthrough.Script());
        Assert.True(problems.Count == 0, "README walkthrough:\n" + string.Join("\n", problems));
    }

    [Theory]
    [MemberData(nameof(Scripts))]
    public void A_script_uses_no_gnu_only_commands(string script)
    {
        var text = File.ReadAllText(Path.Combine(RepoRoot.Path, script));
        var problems = Problems(text);
        Assert.True(problems.Count == 0, script + ":\n" + string.Join("\n", problems));
    }

    [Fact]
    public void The_walkthrough_has_no_comments_that_zsh_would_run()
    {
        var comments = Walkthrough.Script().Split('\n').Where(l => l.TrimStart().StartsWith('#') || l.Contains(" #", StringComparison.Ordinal)).ToList();
        Assert.True(comments.Count == 0, "Comments in the walkthrough's blocks (say it in the prose instead):\n" + string.Join("\n", comments));
    }

    /// <summary>The walkthrough's "80 days ago" gives the same date with BSD date (macOS) and with GNU date (Linux).</summary>
    [Fact]
    public void The_walkthrough_computes_80_days_ago_with_bsd_and_with_gnu_date()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Skip("Needs GNU date to stand in for both.");
            return;
        }
        var line = Walkthrough.Script().Split('\n').Single(l => l.StartsWith("DAY=", StringComparison.Ordinal));
        var gnuDate = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(d => Path.Combine(d, "date")).First(File.Exists);

        // A BSD date: -v adjusts the date; -d (on BSD a different option altogether) is refused.
        var bsd = Directory.CreateTempSubdirectory("bsd-date-");
        try
        {
            var fake = Path.Combine(bsd.FullName, "date");
            File.WriteAllText(fake,
                "#!/bin/sh\n" +
                "case \"$1\" in\n" +
                $"  -v-*d) n=${{1#-v-}}; n=${{n%d}}; shift; exec {gnuDate} -d \"$n days ago\" \"$@\" ;;\n" +
                "  *) echo \"date: illegal option\" >&2; exit 1 ;;\n" +
                "esac\n");
            File.SetUnixFileMode(fake, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

            var before = DateTime.Now.AddDays(-80).ToString("yyyy-MM-dd");
            var withGnu = Evaluate(line, null);
            var withBsd = Evaluate(line, bsd.FullName);
            var after = DateTime.Now.AddDays(-80).ToString("yyyy-MM-dd");

            Assert.Contains(withGnu, new[] { before, after });
            Assert.Contains(withBsd, new[] { before, after });
        }
        finally
        {
            bsd.Delete(recursive: true);
        }
    }

    private static string Evaluate(string assignment, string? pathFirst)
    {
        var start = new ProcessStartInfo("bash") { ArgumentList = { "-c", assignment + "\nprintf %s \"$DAY\"" }, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (pathFirst is not null) start.Environment["PATH"] = pathFirst + ":" + start.Environment["PATH"];
        using var bash = Process.Start(start)!;
        var output = bash.StandardOutput.ReadToEnd();
        var error = bash.StandardError.ReadToEnd();
        bash.WaitForExit();
        Assert.True(bash.ExitCode == 0 && output.Length > 0, $"`{assignment}` failed: {error}");
        return output;
    }

    private static List<string> Problems(string text)
    {
        var problems = new List<string>();
        foreach (var (line, number) in text.Split('\n').Select((l, i) => (l, i + 1)))
        {
            if (line.TrimStart().StartsWith('#')) continue;   // comments may name what they avoid
            foreach (var (pattern, why) in GnuOnly)
            {
                if (!pattern.IsMatch(line)) continue;
                if (why.StartsWith("GNU date", StringComparison.Ordinal) && BsdDateFirst().IsMatch(line)) continue;
                problems.Add($"line {number}: {why}: {line.Trim()}");
            }
        }
        return problems;
    }

    /// <summary>`date -v… 2>/dev/null || date -d …`: BSD date first, GNU date only when that fails.</summary>
    [GeneratedRegex(@"\bdate\s+-v[^|]*\|\|\s*date\s+(-d|--date)\b")]
    private static partial Regex BsdDateFirst();
}
