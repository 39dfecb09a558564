using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Reminders.Tests.Infra;

/// <summary>
/// infra/main.bicep compiled to ARM JSON (bicep build --stdout), read the way Azure Resource Manager would see it:
/// every resource of every module, each with the template it is declared in, so its variables can be resolved.
/// </summary>
public sealed partial class CompiledTemplate
{
    private static readonly Lazy<CompiledTemplate> Main = new(() => Compile(BicepCli.MainFile));

    public static CompiledTemplate Load() => Main.Value;

    public JsonObject Root { get; }

    public IReadOnlyList<TemplateResource> Resources { get; }

    private CompiledTemplate(JsonObject root)
    {
        Root = root;
        Resources = Walk(root).ToList();
    }

    public static CompiledTemplate Compile(string bicepFile)
    {
        var result = BicepCli.Run("build", bicepFile, "--stdout");
        if (result.ExitCode != 0) throw new InvalidOperationException($"bicep build failed ({result.ExitCode}): {result.Errors}");
        return new CompiledTemplate(JsonNode.Parse(result.Output)!.AsObject());
    }

    public IEnumerable<TemplateResource> OfType(string type) =>
        Resources.Where(r => string.Equals(r.Type, type, StringComparison.OrdinalIgnoreCase));

    public TemplateResource Single(string type) => Assert.Single(OfType(type));

    private static IEnumerable<TemplateResource> Walk(JsonObject template)
    {
        // languageVersion 2.0 templates hold resources in an object keyed by symbolic name, older ones in an array.
        var resources = template["resources"] switch
        {
            JsonArray array => array.Select(r => r!.AsObject()),
            JsonObject map => map.Select(kv => kv.Value!.AsObject()),
            _ => [],
        };
        foreach (var resource in resources)
        {
            var item = new TemplateResource(resource, template);
            yield return item;
            if (item.Type == "Microsoft.Resources/deployments" && resource["properties"]?["template"] is JsonObject nested)
                foreach (var inner in Walk(nested)) yield return inner;
        }
    }
}

/// <summary>One resource and the (module) template declaring it.</summary>
public sealed partial record TemplateResource(JsonObject Json, JsonObject Template)
{
    public string Type => Json["type"]!.GetValue<string>();

    public string Name => Json["name"]!.GetValue<string>();

    public JsonNode? Properties => Json["properties"];

    /// <summary>The expression naming the resource this one is an extension of; null means the deployment's own scope.</summary>
    public string? Scope => Json["scope"]?.GetValue<string>();

    /// <summary>A string value with the template's <c>variables('name')</c> replaced by their (string) values.</summary>
    public string Resolve(string expression) => VariableReference().Replace(expression, m =>
        Template["variables"]?[m.Groups[1].Value] is JsonValue value && value.TryGetValue<string>(out var text) ? $"'{text}'" : m.Value);

    [GeneratedRegex(@"variables\('([^']+)'\)")]
    private static partial Regex VariableReference();
}
