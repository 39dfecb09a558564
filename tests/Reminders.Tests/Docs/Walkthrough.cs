using Reminders.Tests.Infrastructure;

namespace Reminders.Tests.Docs;

/// <summary>The shell of README.md's walkthrough: its ```bash blocks, in order, as a reader pastes them.</summary>
public static class Walkthrough
{
    public const string Heading = "## Walkthrough";

    public static IReadOnlyList<string> Blocks()
    {
        var lines = File.ReadAllLines(Path.Combine(RepoRoot.Path, "README.md"));
        var start = Array.FindIndex(lines, l => l.StartsWith(Heading, StringComparison.Ordinal));
        if (start < 0) throw new InvalidOperationException($"README.md has no '{Heading}' section.");
        var blocks = new List<string>();
        List<string>? block = null;
        var indent = 0;
        for (var i = start + 1; i < lines.Length && !lines[i].StartsWith("## ", StringComparison.Ordinal); i++)
        {
            var trimmed = lines[i].TrimStart();
            if (block is null && trimmed.StartsWith("```bash", StringComparison.Ordinal))
            {
                block = [];
                indent = lines[i].Length - trimmed.Length;
            }
            else if (block is not null && trimmed == "```")
            {
                blocks.Add(string.Join('\n', block));
                block = null;
            }
            else if (block is not null)
            {
                // A list item's block is indented; the reader copies it without the indent.
                block.Add(lines[i].Length >= indent && string.IsNullOrWhiteSpace(lines[i][..indent]) ? lines[i][indent..] : lines[i].TrimStart());
            }
        }
        if (blocks.Count == 0) throw new InvalidOperationException("README.md's walkthrough has no ```bash block.");
        return blocks;
    }

    public static string Script() => string.Join('\n', Blocks()) + "\n";
}
