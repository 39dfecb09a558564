using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Reminders.Tests.Infrastructure;

namespace Reminders.Tests.Docs;

/// <summary>The README is a short front page; the reference lives in docs/, and every link between them lands.</summary>
public sealed partial class ReferenceDocsTests
{
    /// <summary>Linked from the README before their authors' changes land; checked like any other once they exist.</summary>
    private static readonly string[] WrittenElsewhere = ["docs/deploy.md", "docs/api-description.md", "docs/observability.md"];

    public static TheoryData<string> Pages() =>
        new(new[] { "README.md", "bench/README.md" }.Concat(Directory.GetFiles(Path.Combine(RepoRoot.Path, "docs"), "*.md")
            .Select(path => Path.GetRelativePath(RepoRoot.Path, path).Replace('\\', '/')).Order()));

    [Theory]
    [MemberData(nameof(Pages))]
    public void Every_relative_link_lands_on_a_file_and_heading_that_exist(string page)
    {
        var broken = new List<string>();
        foreach (Match link in Link().Matches(File.ReadAllText(Path.Combine(RepoRoot.Path, page))))
        {
            var target = link.Groups["target"].Value;
            if (target.Contains("://", StringComparison.Ordinal) || target.StartsWith("mailto:", StringComparison.Ordinal)) continue;
            var (file, anchor) = target.IndexOf('#') is var hash and >= 0 ? (target[..hash], target[(hash + 1)..]) : (target, "");
            var resolved = file.Length == 0 ? page : Path.GetRelativePath(RepoRoot.Path, Path.GetFullPath(Path.Combine(RepoRoot.Path, Path.GetDirectoryName(page)!, file))).Replace('\\', '/');
            var full = Path.Combine(RepoRoot.Path, resolved);
            if (!File.Exists(full) && !Directory.Exists(full))
            {
                if (!WrittenElsewhere.Contains(resolved)) broken.Add($"{target}: no {resolved}");
                continue;
            }
            if (anchor.Length > 0 && !Anchors(full).Contains(anchor)) broken.Add($"{target}: no heading #{anchor} in {resolved}");
        }
        Assert.True(broken.Count == 0, page + ":\n" + string.Join("\n", broken));
    }

    [Fact]
    public void The_readme_stays_a_front_page()
    {
        var readme = File.ReadAllLines(Path.Combine(RepoRoot.Path, "README.md"));
        // What it is, the two commands, the walkthrough and links: read in five minutes. The reference is in docs/.
        Assert.True(readme.Length <= 120, $"README.md has {readme.Length} lines; move reference material to docs/.");
        Assert.Contains("## Two commands", readme);
        Assert.Contains("## Walkthrough: from clinic to email", readme);
    }

    /// <summary>The Functions page says what local.settings.json does, and its Azurite starts offline.</summary>
    [Fact]
    public void The_functions_page_matches_the_local_settings()
    {
        var page = File.ReadAllText(Path.Combine(RepoRoot.Path, "docs", "functions.md"));
        var values = JsonNode.Parse(File.ReadAllText(Path.Combine(RepoRoot.Path, "local.settings.json")))!["Values"]!;
        var publicBaseUrl = values["Reminders__PublicBaseUrl"]!.GetValue<string>();

        Assert.Contains($"`{publicBaseUrl}`", page);
        Assert.Contains(publicBaseUrl, Walkthrough.Script());   // the walkthrough works against the Functions host unchanged
        var azurite = page.Split('\n').Single(l => l.TrimStart().StartsWith("node_modules/.bin/azurite", StringComparison.Ordinal));
        Assert.Contains("--disableTelemetry", azurite);
        Assert.Contains("eval \"$(scripts/local-keys)\"", page);
    }

    /// <summary>GitHub's heading anchors: lower case, punctuation dropped, spaces as hyphens.</summary>
    private static HashSet<string> Anchors(string markdown)
    {
        if (!markdown.EndsWith(".md", StringComparison.Ordinal)) return [];
        return File.ReadAllLines(markdown).Where(l => l.StartsWith('#'))
            .Select(l => Punctuation().Replace(l.TrimStart('#').Trim().ToLowerInvariant(), "").Replace(' ', '-'))
            .ToHashSet();
    }

    [GeneratedRegex(@"\]\((?<target>[^)\s]+)\)")]
    private static partial Regex Link();

    [GeneratedRegex(@"[^\p{L}\p{N}\- _]")]
    private static partial Regex Punctuation();
}
