using System.Text.RegularExpressions;
using Reminders.Tests.Infrastructure;

namespace Reminders.Tests.ApiDescription;

/// <summary>docs/reminders.http holds a call for every operation in docs/openapi.json, and nothing the document does not have.</summary>
public sealed partial class OpenApiHttpFileTests
{
    private static readonly string HttpFile = Path.Combine(RepoRoot.Path, "docs", "reminders.http");

    private sealed record Call(int Line, string Method, string Path);

    [Fact]
    public void Every_operation_in_the_document_has_a_call_in_the_http_file()
    {
        var calls = Calls();
        var missing = OpenApiContract.Committed.Operations()
            .Where(o => !calls.Any(c => c.Method == o.Method && Matches(o.Path, c.Path)))
            .Select(o => $"{o.Method} {o.Path}");
        Assert.True(!missing.Any(), "docs/reminders.http has no call for: " + string.Join(", ", missing));
    }

    [Fact]
    public void Every_call_in_the_http_file_is_an_operation_of_the_document()
    {
        var stray = Calls().Where(c => !OpenApiContract.Committed.Operations().Any(o => o.Method == c.Method && Matches(o.Path, c.Path)));
        Assert.Empty(stray.Select(c => $"line {c.Line}: {c.Method} {c.Path}"));
    }

    [Fact]
    public void Every_variable_the_calls_use_is_defined_in_the_file()
    {
        var text = File.ReadAllText(HttpFile);
        var defined = DefinitionPattern().Matches(text).Select(m => m.Groups[1].Value).ToHashSet();
        var named = NamePattern().Matches(text).Select(m => m.Groups[1].Value).ToHashSet();
        var undefined = UsePattern().Matches(text).Select(m => m.Groups[1].Value)
            // {{name.response.body...}} reads a named request's response; {{$...}} is the client's own.
            .Where(v => !v.StartsWith('$') && !defined.Contains(v) && !named.Contains(v.Split('.')[0]))
            .Distinct();
        Assert.Empty(undefined);
    }

    /// <summary>Request lines ("METHOD {{baseUrl}}/path?query"), with the path's variables kept as "{{x}}".</summary>
    private static List<Call> Calls()
    {
        var lines = File.ReadAllLines(HttpFile);
        var calls = lines.Select((line, i) => (Match: RequestLine().Match(line), Line: i + 1)).Where(x => x.Match.Success)
            .Select(x => new Call(x.Line, x.Match.Groups[1].Value, x.Match.Groups[2].Value.Split('?')[0])).ToList();
        Assert.NotEmpty(calls);
        Assert.All(calls, c => Assert.StartsWith("/api/", c.Path));
        return calls;
    }

    /// <summary>A template segment "{x}" matches any one segment ("{{x}}" or a literal); other segments must be equal.</summary>
    private static bool Matches(string template, string path)
    {
        var t = template.Split('/');
        var p = path.Split('/');
        return t.Length == p.Length && t.Zip(p).All(s => s.First.StartsWith('{') || s.First == s.Second);
    }

    [GeneratedRegex(@"^(GET|HEAD|PUT|POST|DELETE|PATCH|OPTIONS) \{\{baseUrl\}\}(\S+)")]
    private static partial Regex RequestLine();

    [GeneratedRegex(@"^@(\w+)\s*=", RegexOptions.Multiline)]
    private static partial Regex DefinitionPattern();

    [GeneratedRegex(@"^# @name (\w+)", RegexOptions.Multiline)]
    private static partial Regex NamePattern();

    [GeneratedRegex(@"\{\{([^}]+)\}\}")]
    private static partial Regex UsePattern();
}
