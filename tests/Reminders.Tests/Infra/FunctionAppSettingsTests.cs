using System.Reflection;
using System.Runtime.Versioning;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Reminders.Configuration;
using Reminders.Email;
using Reminders.Email.Acs;
using Reminders.Storage;
using Reminders.Tests.Infrastructure;
using Reminders.Unsubscribe;

namespace Reminders.Tests.Infra;

/// <summary>
/// The Function App's settings in infra/ are what the app needs to start in Azure. The list of what it needs is not
/// copied here: it comes from the app itself (its start-up validation, its options classes) and from the bindings
/// the Functions host loads (functions.metadata), so a new required setting fails this test until infra/ sets it.
/// </summary>
public sealed partial class FunctionAppSettingsTests
{
    private static readonly CompiledTemplate Template = CompiledTemplate.Load();

    private static TemplateResource SettingsResource =>
        Assert.Single(Template.OfType("Microsoft.Web/sites/config"), r => r.Name.Contains("'appsettings'"));

    /// <summary>Setting name to its value: a literal, or an ARM expression in brackets.</summary>
    private static Dictionary<string, string> Settings =>
        SettingsResource.Properties!.AsObject().ToDictionary(kv => kv.Key, kv => kv.Value!.GetValue<string>());

    [Fact]
    public void Every_setting_a_binding_expression_names_is_set()
    {
        var metadata = JsonNode.Parse(File.ReadAllText(Path.Combine(FunctionsOutput(), "functions.metadata")))!.AsArray();
        var named = metadata.SelectMany(f => f!["bindings"]!.AsArray())
            .SelectMany(b => b!.AsObject().Select(kv => kv.Value))
            .OfType<JsonValue>().Where(v => v.TryGetValue<string>(out _))
            .SelectMany(v => BindingExpression().Matches(v.GetValue<string>()).Select(m => m.Groups[1].Value.Replace(":", "__")))
            .Distinct().ToList();

        Assert.Contains("ReminderSweepSchedule", named);
        Assert.Contains("Reminders__DispatchQueue", named);
        Assert.All(named, name => Assert.True(Settings.ContainsKey(name), $"The Function App does not set '{name}', which a trigger binding reads."));
    }

    [Fact]
    public void Every_setting_the_app_refuses_to_start_without_is_set()
    {
        // What an empty production configuration fails on, in the app's own words: storage first (it throws while
        // registering), then every options validator that start-up runs, with the provider the Function App chooses.
        var failures = new List<string>();
        failures.Add(Assert.Throws<InvalidOperationException>(() => StorageEndpoints.From(new ConfigurationBuilder().Build())).Message);
        failures.AddRange(StartupValidationFailures(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true",
            ["Email:Provider"] = Literal("Email__Provider"),
        }));
        Assert.True(failures.Count >= 4, "Expected the app to refuse an empty production configuration: " + string.Join(" | ", failures));

        foreach (var failure in failures)
        {
            // Which identity signs in (credential, clientId) is mentioned alongside but never makes a missing setting whole.
            var names = SettingNames().Matches(failure).Select(m => m.Value.Replace(":", "__"))
                .Where(n => !n.EndsWith("__credential", StringComparison.OrdinalIgnoreCase) && !n.EndsWith("__clientId", StringComparison.OrdinalIgnoreCase))
                .ToList();
            Assert.True(names.Count > 0, "A start-up failure names no setting: " + failure);
            Assert.True(names.Any(Settings.ContainsKey), $"The Function App sets none of {string.Join(", ", names)}, so the app would not start: {failure}");
        }
    }

    [Fact]
    public void Option_defaults_meant_for_a_developers_machine_are_overridden()
    {
        var options = new (Type Type, string Section)[] { (typeof(RemindersOptions), RemindersOptions.Section), (typeof(EmailOptions), EmailOptions.Section), (typeof(AcsEmailOptions), AcsEmailOptions.Section) };
        var localDefaults = options
            .SelectMany(o => o.Type.GetProperties().Select(p => (o.Section, Property: p, Default: p.GetValue(Activator.CreateInstance(o.Type)) as string)))
            .Where(x => x.Default?.Contains("localhost", StringComparison.OrdinalIgnoreCase) == true)
            .Select(x => $"{x.Section.Replace(":", "__")}__{x.Property.Name}")
            .ToList();

        Assert.Contains("Email__SenderAddress", localDefaults);
        Assert.All(localDefaults, name => Assert.True(Settings.ContainsKey(name), $"'{name}' defaults to a localhost value and the Function App does not set it."));
    }

    [Fact]
    public void Every_key_the_app_reads_comes_from_Key_Vault_with_the_apps_identity()
    {
        var keys = new[] { typeof(RemindersOptions), typeof(PatientLinkOptions) }
            .SelectMany(t => t.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            .Where(p => p.PropertyType == typeof(string) && (p.Name.EndsWith("Key", StringComparison.Ordinal) || p.Name.EndsWith("Secret", StringComparison.Ordinal)))
            .Select(p => $"{RemindersOptions.Section}__{p.Name}")
            .ToList();

        Assert.Equal(["Reminders__AddressHashKey", "Reminders__AdminKey", "Reminders__EventGridSecret", "Reminders__LinkSigningKey"], keys.Order());
        foreach (var key in keys)
        {
            Assert.True(Settings.TryGetValue(key, out var value), $"The Function App does not set '{key}'.");
            Assert.Contains("@Microsoft.KeyVault(SecretUri=", SettingsResource.Resolve(value));
        }
        var site = Template.Single("Microsoft.Web/sites");
        Assert.Equal("[parameters('identityId')]", site.Properties!["keyVaultReferenceIdentity"]!.GetValue<string>());
        Assert.Equal("UserAssigned", site.Json["identity"]!["type"]!.GetValue<string>());
    }

    [Fact]
    public void The_keys_are_secure_parameters_azd_generates_once_and_keeps()
    {
        var parameters = Template.Root["parameters"]!.AsObject();
        foreach (var name in new[] { "adminKey", "linkSigningKey", "addressHashKey", "eventGridSecret" })
        {
            var parameter = parameters[name]!;
            Assert.Equal("securestring", parameter["type"]!.GetValue<string>());
            // A default (newGuid() or any other) would be evaluated again on each deployment and rotate the key.
            Assert.Null(parameter["defaultValue"]);
            Assert.Equal("generate", parameter["metadata"]!["azd"]!["type"]!.GetValue<string>());
            Assert.True(parameter["metadata"]!["azd"]!["config"]!["length"]!.GetValue<int>() >= PatientLinkOptions.MinKeyLength);
            Assert.True(parameter["minLength"]!.GetValue<int>() >= PatientLinkOptions.MinKeyLength);
        }
    }

    [Fact]
    public void Storage_and_email_use_the_user_assigned_identity_in_settings_the_app_understands()
    {
        var settings = Settings;
        Assert.DoesNotContain("AzureWebJobsStorage", settings.Keys); // a connection string needs the shared key the account refuses
        Assert.Equal("[parameters('identityClientId')]", settings["AzureWebJobsStorage__clientId"]);
        Assert.Equal("[parameters('identityClientId')]", settings["Email__Acs__ClientId"]);
        Assert.Equal("[parameters('identityClientId')]", settings["AZURE_CLIENT_ID"]);
        Assert.StartsWith("ClientId=", SettingsResource.Resolve(settings["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"]).Replace("[format('", ""));

        // The literal values, read by the app as it will read them in Azure.
        var clientId = Guid.NewGuid().ToString();
        var storage = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage:accountName"] = "stsample",
            ["AzureWebJobsStorage:credential"] = Literal("AzureWebJobsStorage__credential"),
            ["AzureWebJobsStorage:clientId"] = clientId,
        }).Build();
        Assert.Equal(new Uri("https://stsample.table.core.windows.net/"), StorageSettings.CreateTableServiceClient(storage).Uri);
        Assert.Equal(new Uri("https://stsample.queue.core.windows.net/"), StorageSettings.CreateQueueServiceClient(storage).Uri);
        var acs = new AcsEmailOptions { Endpoint = "https://acs-sample.communication.azure.com", Credential = Literal("Email__Acs__Credential"), ClientId = clientId };
        Assert.Empty(AcsEmailOptionsValidator.Errors(acs));
        Assert.IsType<Azure.Identity.ManagedIdentityCredential>(AcsCredential.For(acs));
    }

    [Fact]
    public void The_parameter_defaults_are_values_the_app_accepts()
    {
        var parameters = Template.Root["parameters"]!;
        var schedule = parameters["sweepSchedule"]!["defaultValue"]!.GetValue<string>();
        Reminders.Server.SweepSchedule.FromConfiguration(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["ReminderSweepSchedule"] = schedule }).Build());
        Assert.Equal(new RemindersOptions().DispatchQueue, parameters["dispatchQueueName"]!["defaultValue"]!.GetValue<string>());
    }

    [Fact]
    public void It_runs_on_Flex_Consumption_with_the_apps_dotnet_version()
    {
        var plan = Template.Single("Microsoft.Web/serverfarms");
        Assert.Equal(("FC1", "FlexConsumption"), (plan.Json["sku"]!["name"]!.GetValue<string>(), plan.Json["sku"]!["tier"]!.GetValue<string>()));

        var config = Template.Single("Microsoft.Web/sites").Properties!["functionAppConfig"]!;
        var framework = typeof(Reminders.Functions.SweepFunctions).Assembly.GetCustomAttribute<TargetFrameworkAttribute>()!.FrameworkName;
        Assert.Equal("dotnet-isolated", config["runtime"]!["name"]!.GetValue<string>());
        Assert.Equal(new System.Runtime.Versioning.FrameworkName(framework).Version.ToString(2), config["runtime"]!["version"]!.GetValue<string>());
        Assert.Equal("UserAssignedIdentity", config["deployment"]!["storage"]!["authentication"]!["type"]!.GetValue<string>());
        Assert.NotNull(config["scaleAndConcurrency"]!["maximumInstanceCount"]);

        // Flex Consumption refuses these: the runtime lives in functionAppConfig, the package in the deployment container.
        foreach (var refused in new[] { "FUNCTIONS_WORKER_RUNTIME", "FUNCTIONS_EXTENSION_VERSION", "WEBSITE_RUN_FROM_PACKAGE", "WEBSITE_CONTENTAZUREFILECONNECTIONSTRING" })
            Assert.DoesNotContain(refused, Settings.Keys);
    }

    /// <summary>Failures start-up validation reports for this configuration in Production (as in Azure).</summary>
    private static List<string> StartupValidationFailures(Dictionary<string, string?> values)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = Environments.Production, DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(values);
        builder.Services.AddReminders(builder.Configuration);
        using var host = builder.Build();
        try
        {
            host.Services.GetRequiredService<IStartupValidator>().Validate();
            return [];
        }
        catch (Exception e)
        {
            var all = e is AggregateException aggregate ? aggregate.InnerExceptions : [e];
            return all.SelectMany(x => x is OptionsValidationException o ? o.Failures : [x.Message]).ToList();
        }
    }

    /// <summary>A setting whose value infra/ writes literally, not as an expression.</summary>
    private static string Literal(string name)
    {
        var value = Settings[name];
        Assert.False(value.StartsWith('['), $"'{name}' is an expression, expected a literal: {value}");
        return value;
    }

    private static string FunctionsOutput()
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
        return Path.Combine(RepoRoot.Path, "src", "Reminders.Functions", "bin", configuration, "net10.0");
    }

    [GeneratedRegex("%([^%]+)%")]
    private static partial Regex BindingExpression();

    /// <summary>Setting names as the app's messages write them: AzureWebJobsStorage__x, Reminders:X, Email:Acs:X.</summary>
    [GeneratedRegex(@"\b(?:AzureWebJobsStorage|Reminders|Email)(?:(?::|__)[A-Za-z]+)*")]
    private static partial Regex SettingNames();
}
