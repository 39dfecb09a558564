using System.Text.RegularExpressions;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Reminders.Tests.Infrastructure;

namespace Reminders.Tests.Functions;

/// <summary>What the Functions host will load: the functions.metadata the SDK writes at build time.</summary>
public sealed class FunctionsMetadataTests(Azurite azurite)
{
    private static readonly string OutputFolder = Path.Combine(
        RepoRoot.Path, "src", "Reminders.Functions", "bin", BuildConfiguration(), "net10.0");

    public static TheoryData<string, string, string?, string?, string?> Expected => new()
    {
        // name, trigger, route, methods (comma-separated), auth level
        { "PutClinic", "httpTrigger", "clinics/{clinicId}", "put", "Function" },
        { "IssueClinicKey", "httpTrigger", "clinics/{clinicId}/keys", "post", "Function" },
        { "ListClinicKeys", "httpTrigger", "clinics/{clinicId}/keys", "get", "Function" },
        { "RevokeClinicKey", "httpTrigger", "clinics/{clinicId}/keys/{keyId}", "delete", "Function" },
        { "PreviewPlan", "httpTrigger", "clinics/{clinicId}/plan-preview", "post", "Function" },
        { "PutTreatment", "httpTrigger", "clinics/{clinicId}/treatments/{treatmentId}", "put", "Function" },
        { "GetTreatment", "httpTrigger", "clinics/{clinicId}/treatments/{treatmentId}", "get", "Function" },
        { "ListTreatments", "httpTrigger", "clinics/{clinicId}/treatments", "get", "Function" },
        { "RegisterSession", "httpTrigger", "sessions", "post", "Function" },
        { "RegisterSessions", "httpTrigger", "sessions/batch", "post", "Function" },
        { "GetPatient", "httpTrigger", "patients/{patientId}", "get", "Anonymous" }, // the dashboard calls it: a browser has no function key; X-Api-Key is checked
        { "CancelSession", "httpTrigger", "patients/{patientId}/sessions/{sessionId}", "delete", "Anonymous" }, // the dashboard calls it: a browser has no function key; X-Api-Key is checked
        { "ErasePatient", "httpTrigger", "patients/{patientId}", "delete", "Function" },
        { "LiftBounce", "httpTrigger", "patients/{patientId}/bounce", "delete", "Function" },
        { "PutBooking", "httpTrigger", "patients/{patientId}/bookings/{bookingId}", "put", "Function" },
        { "CancelBooking", "httpTrigger", "patients/{patientId}/bookings/{bookingId}", "delete", "Function" },
        { "GetSendPlan", "httpTrigger", "reminders", "get", "Anonymous" }, // the dashboard calls it: a browser has no function key; X-Api-Key is checked
        { "GetStats", "httpTrigger", "stats", "get", "Anonymous" }, // the dashboard calls it: a browser has no function key; X-Api-Key is checked
        { "GetOwnClinic", "httpTrigger", "clinic", "get", "Anonymous" }, // the dashboard calls it: a browser has no function key; X-Api-Key is checked
        { "RunSweep", "httpTrigger", "sweeps", "post", "Function" },
        { "Health", "httpTrigger", "health", "get", "Anonymous" },
        { "HealthLive", "httpTrigger", "health/live", "get", "Anonymous" },
        { "HealthReady", "httpTrigger", "health/ready", "get", "Anonymous" },
        { "GetEmailPreview", "httpTrigger", "email-preview", "get", "Anonymous" }, // a browser opens preview links without a function key
        { "CreatePreviewLink", "httpTrigger", "clinics/{clinicId}/preview-link", "post", "Anonymous" }, // the dashboard calls it: a browser has no function key; X-Api-Key is checked
        { "ShowUnsubscribe", "httpTrigger", "unsubscribe", "get,head", "Anonymous" }, // link scanners probe with HEAD
        { "Unsubscribe", "httpTrigger", "unsubscribe", "post", "Anonymous" },
        { "ShowCheckIn", "httpTrigger", "check-in", "get,head", "Anonymous" }, // mail scanners follow and probe links
        { "CheckIn", "httpTrigger", "check-in", "post", "Anonymous" },
        { "GetDashboard", "httpTrigger", "dashboard/{file?}", "get", "Anonymous" }, // static files; the page signs in with a staff key
        { "IssueSignInLink", "httpTrigger", "clinics/{clinicId}/sign-in-links", "post", "Function" },
        { "RevokeStaffSessions", "httpTrigger", "clinics/{clinicId}/staff-sessions", "delete", "Function" },
        { "StartStaffSession", "httpTrigger", "staff-sessions", "post", "Anonymous" }, // a browser opening a sign-in link has no function key
        { "ReceiveEmailEvents", "httpTrigger", "events/email", "post", "Function" }, // and the subscription secret
        { "ValidateEmailEvents", "httpTrigger", "events/email", "options", "Function" },
        { "GetOpenApiDocument", "httpTrigger", "openapi.json", "get", "Anonymous" },
        { "ReminderSweep", "timerTrigger", null, null, null },
        { "DispatchReminders", "queueTrigger", null, null, null },
        { "DispatchPoison", "queueTrigger", null, null, null },
        { "GetWebhook", "httpTrigger", "webhooks", "get", "Function" },
        { "PutWebhook", "httpTrigger", "webhooks", "put", "Function" },
        { "DeleteWebhook", "httpTrigger", "webhooks", "delete", "Function" },
        { "RotateWebhookSecret", "httpTrigger", "webhooks/secret", "post", "Function" },
        { "ListWebhookDeliveries", "httpTrigger", "webhooks/deliveries", "get", "Function" },
        { "ReplayWebhookDelivery", "httpTrigger", "webhooks/deliveries/{eventId}/replay", "post", "Function" },
        { "DeliverWebhook", "queueTrigger", null, null, null },
    };

    [Fact]
    public void The_senders_read_the_dispatch_queue_named_by_the_setting_and_its_poison_queue()
    {
        string QueueOf(string name) => Functions().Single(f => f!["name"]!.GetValue<string>() == name)!["bindings"]![0]!["queueName"]!.GetValue<string>();
        Assert.Equal("%Reminders:DispatchQueue%", QueueOf("DispatchReminders"));
        Assert.Equal("%Reminders:DispatchQueue%-poison", QueueOf("DispatchPoison"));
        Assert.Equal("%Reminders:Webhooks:Queue%", QueueOf("DeliverWebhook"));
    }

    [Fact]
    public void Host_json_sets_the_queue_options_deliberately()
    {
        var queues = HostJson()["extensions"]!["queues"]!;
        Assert.Equal("base64", queues["messageEncoding"]!.GetValue<string>());
        Assert.Equal((4, 2, 5), (queues["batchSize"]!.GetValue<int>(), queues["newBatchThreshold"]!.GetValue<int>(), queues["maxDequeueCount"]!.GetValue<int>()));
        Assert.Equal("00:00:30", queues["visibilityTimeout"]!.GetValue<string>());
        // Every option carries a comment saying why.
        var text = File.ReadAllText(Path.Combine(RepoRoot.Path, "host.json"));
        foreach (var option in new[] { "messageEncoding", "batchSize", "newBatchThreshold", "maxDequeueCount", "visibilityTimeout", "maxPollingInterval" })
        {
            var line = text.Split('\n').Select((l, i) => (l, i)).Single(x => x.l.Contains($"\"{option}\"")).i;
            Assert.StartsWith("//", text.Split('\n')[line - 1].Trim());
        }
    }

    /// <summary>host.json as the Functions host reads it: comments allowed.</summary>
    private static JsonNode HostJson() =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(OutputFolder, "host.json")), documentOptions: new System.Text.Json.JsonDocumentOptions { CommentHandling = System.Text.Json.JsonCommentHandling.Skip })!;

    [Theory]
    [MemberData(nameof(Expected))]
    public void Each_function_has_its_trigger_route_method_and_auth_level(string name, string trigger, string? route, string? method, string? authLevel)
    {
        var binding = Functions().Single(f => f!["name"]!.GetValue<string>() == name)!["bindings"]!.AsArray()
            .Single(b => b!["direction"]!.GetValue<string>() == "In")!;

        Assert.Equal(trigger, binding["type"]!.GetValue<string>());
        Assert.Equal(route, binding["route"]?.GetValue<string>());
        Assert.Equal(method, binding["methods"] is JsonArray methods ? string.Join(",", methods.Select(m => m!.GetValue<string>())) : null);
        Assert.Equal(authLevel, binding["authLevel"]?.GetValue<string>());
    }

    [Fact]
    public void There_are_no_other_functions_and_the_timer_reads_its_schedule_from_settings()
    {
        Assert.Equal(Expected.Select(row => (string)row.Data.Item1).Order(), Functions().Select(f => f!["name"]!.GetValue<string>()).Order());
        var timer = Functions().Single(f => f!["name"]!.GetValue<string>() == "ReminderSweep")!["bindings"]![0]!;
        Assert.Equal("%ReminderSweepSchedule%", timer["schedule"]!.GetValue<string>());
    }

    /// <summary>
    /// A browser has no function key: every route the dashboard's script calls must be Anonymous on Azure (each checks
    /// X-Api-Key itself), or the dashboard would sign in and then be refused by the platform.
    /// </summary>
    [Fact]
    public void Every_route_the_dashboard_calls_needs_no_function_key()
    {
        var script = File.ReadAllText(Path.Combine(RepoRoot.Path, "src", "Reminders", "Dashboard", "Assets", "dashboard.js"));
        // api("GET", `/api/...`) and fetch("/api/...", { method: "POST", ... }) (GET when no method is given).
        static string Template(string raw) => Regex.Replace(raw, @"\$\{[^}]*\}", "x1");
        var called = Regex.Matches(script, @"api\(""(\w+)"", [""`]/api/([^""`?]+)").Select(m => (Method: m.Groups[1].Value, Path: Template(m.Groups[2].Value)))
            .Concat(Regex.Matches(script, @"fetch\([""`]/api/([^""`?]+)[""`](?:,\s*\{\s*method:\s*""(\w+)"")?")
                .Select(m => (Method: m.Groups[2].Success ? m.Groups[2].Value : "GET", Path: Template(m.Groups[1].Value))))
            .Distinct().ToList();
        Assert.Contains(("GET", "reminders"), called);
        Assert.Contains(("DELETE", "patients/x1/sessions/x1"), called);
        Assert.Contains(("POST", "staff-sessions"), called);

        var http = Functions().Select(f => f!["bindings"]!.AsArray().Single(b => b!["direction"]!.GetValue<string>() == "In")!)
            .Where(b => b["type"]!.GetValue<string>() == "httpTrigger").ToList();
        foreach (var (method, path) in called)
        {
            var serving = http.SingleOrDefault(b => b["methods"]!.AsArray().Any(m => string.Equals(m!.GetValue<string>(), method, StringComparison.OrdinalIgnoreCase))
                && Regex.IsMatch(path, "^" + Regex.Replace(b["route"]!.GetValue<string>(), @"\{[^}]+\}", "[^/]+") + "$"));
            Assert.True(serving is not null, $"no function serves {method} /api/{path}");
            Assert.True("Anonymous" == serving["authLevel"]!.GetValue<string>(), $"{method} /api/{path} needs a function key");
        }
    }

    [Fact]
    public void No_route_uses_the_hosts_reserved_admin_or_runtime_space()
    {
        var routes = Functions().SelectMany(f => f!["bindings"]!.AsArray()).Select(b => b!["route"]?.GetValue<string>()).OfType<string>();
        Assert.All(routes, r => Assert.False(r.StartsWith("admin", StringComparison.OrdinalIgnoreCase) || r.StartsWith("runtime", StringComparison.OrdinalIgnoreCase), r));
    }

    [Fact]
    public void Host_json_and_local_settings_are_in_the_build_output_with_what_the_host_needs()
    {
        var host = HostJson();
        Assert.Equal("2.0", host["version"]!.GetValue<string>());
        Assert.Equal("api", host["extensions"]!["http"]!["routePrefix"]!.GetValue<string>());

        var values = JsonNode.Parse(File.ReadAllText(Path.Combine(OutputFolder, "local.settings.json")))!["Values"]!;
        Assert.Equal("dotnet-isolated", values["FUNCTIONS_WORKER_RUNTIME"]!.GetValue<string>());
        Assert.Equal("UseDevelopmentStorage=true", values["AzureWebJobsStorage"]!.GetValue<string>());
        Assert.False(string.IsNullOrWhiteSpace(values["ReminderSweepSchedule"]?.GetValue<string>()));
        Assert.Equal("reminders-dispatch", values["Reminders__DispatchQueue"]?.GetValue<string>()); // a binding expression has no default
    }

    [Fact]
    public void The_shipped_local_settings_configure_a_valid_app()
    {
        var values = JsonNode.Parse(File.ReadAllText(Path.Combine(OutputFolder, "local.settings.json")))!["Values"]!.AsObject()
            .ToDictionary(kv => kv.Key.Replace("__", ":"), kv => kv.Value?.GetValue<string>());
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new Microsoft.Extensions.Hosting.HostApplicationBuilderSettings
        {
            EnvironmentName = values["AZURE_FUNCTIONS_ENVIRONMENT"],
            DisableDefaults = true,
        });
        builder.Configuration.AddInMemoryCollection(values);
        Reminders.Configuration.RemindersServiceCollectionExtensions.AddReminders(builder.Services, builder.Configuration);
        using var host = builder.Build();

        // Resolving the options runs every validator, as start-up does.
        Assert.Equal("Outbox", host.Services.GetRequiredService<IOptions<Reminders.Email.EmailOptions>>().Value.Provider);
        var links = host.Services.GetRequiredService<IOptions<Reminders.Unsubscribe.PatientLinkOptions>>().Value;
        Assert.Equal("http://127.0.0.1:7071", links.PublicBaseUrl);   // the address the README and the walkthrough use
        // Without keys in the environment, links still survive a restart of the local host.
        Assert.Equal(Reminders.Unsubscribe.PatientLinkOptions.DevelopmentLinkSigningKey, links.LinkSigningKey);
        Assert.NotNull(host.Services.GetRequiredService<IOptions<Reminders.Configuration.RemindersOptions>>().Value);
    }

    /// <summary>local.settings.json is tracked by git: keys come from the environment (scripts/local-keys), never from it.</summary>
    [Fact]
    public void The_tracked_local_settings_hold_no_secret()
    {
        var names = JsonNode.Parse(File.ReadAllText(Path.Combine(RepoRoot.Path, "local.settings.json")))!["Values"]!.AsObject().Select(kv => kv.Key);
        var secrets = names.Where(n => n.EndsWith("Key", StringComparison.OrdinalIgnoreCase) || n.Contains("Password", StringComparison.OrdinalIgnoreCase) ||
                                       n.Contains("Secret", StringComparison.OrdinalIgnoreCase) || n.Contains("ConnectionString", StringComparison.OrdinalIgnoreCase));
        Assert.Empty(secrets);
    }

    [Fact]
    public async Task The_Server_serves_exactly_the_routes_and_methods_of_the_Functions_app()
    {
        await using var server = await ServerHost.StartAsync(new TestSettings(azurite.ConnectionString), TestClock.New());
        var serverRoutes = server.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .SelectMany(e => e.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods.Select(m => $"{m} {e.RoutePattern.RawText!.TrimStart('/')}"))
            .Where(route => route != "GET ") // the Server's root only leads to the dashboard
            .Order();
        var functionRoutes = FunctionsHost.HttpFunctions()
            .SelectMany(f => f.Trigger.Methods!.Select(m => $"{m.ToUpperInvariant()} api/{f.Trigger.Route}"))
            .Order();

        Assert.Equal(functionRoutes, serverRoutes);
    }

    private static JsonArray Functions()
    {
        var path = Path.Combine(OutputFolder, "functions.metadata");
        Assert.True(File.Exists(path), $"{path} is missing: build src/Reminders.Functions first.");
        return JsonNode.Parse(File.ReadAllText(path))!.AsArray();
    }

    /// <summary>Debug or Release: the configuration this test assembly was built in, which built the Functions app too.</summary>
    private static string BuildConfiguration() =>
        new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
}
