using System.Diagnostics.Metrics;
using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Reminders.Telemetry;

/// <summary>
/// OpenTelemetry for both hosts: the Reminders source and meter, HTTP in and out (redacted, see
/// <see cref="HttpRedaction"/>), .NET runtime metrics, and logs; exported as <see cref="TelemetryExporters"/> says.
/// With no exporter configured no provider is built at all: activities are not even created and metrics not
/// aggregated, so the only cost is the API's null checks.
/// </summary>
public static class TelemetryRegistration
{
    /// <param name="hostDefaults">The host's own additions, applied only when telemetry is on (Functions: <c>UseFunctionsWorkerDefaults</c>).</param>
    public static IServiceCollection AddRemindersTelemetry(this IServiceCollection services, IConfiguration configuration,
        Action<OpenTelemetryBuilder>? hostDefaults = null)
    {
        var exporters = TelemetryExporters.From(configuration);
        if (!TelemetryExporters.IsOn(configuration, exporters)) return services;

        var otel = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(serviceName: configuration["OTEL_SERVICE_NAME"] ?? RemindersTelemetry.Name))
            .WithTracing(tracing => tracing
                // Not "Azure.*": the Azure SDK's activities carry storage URLs (table keys are clinic and patient ids).
                .AddSource(RemindersTelemetry.Name)
                .AddAspNetCoreInstrumentation(o =>
                {
                    o.EnrichWithHttpRequest = HttpRedaction.OnServerRequest;
                    o.EnrichWithHttpResponse = HttpRedaction.OnServerResponse;
                    // An exception's message may quote input (an address that failed validation deeper down).
                    o.RecordException = false;
                })
                .AddHttpClientInstrumentation(o =>
                {
                    o.EnrichWithHttpRequestMessage = HttpRedaction.OnClientRequest;
                    o.RecordException = false;
                }))
            .WithMetrics(metrics => metrics
                .AddMeter(RemindersTelemetry.Name)
                .AddAspNetCoreInstrumentation() // http.server.* by route template, no path
                .AddHttpClientInstrumentation() // http.client.* by host, no path
                .AddRuntimeInstrumentation()
                .ConfigureDeferred((sp, builder) =>
                {
                    // Meters made by another service provider's IMeterFactory (another host in this process) are
                    // that host's to export: without this view, every provider would report every host's numbers.
                    var own = sp.GetRequiredService<IMeterFactory>();
                    builder.AddView(instrument => instrument.Meter.Scope is { } scope && !ReferenceEquals(scope, own) ? MetricStreamConfiguration.Drop : null);
                }))
            .WithLogging(logging => { }, options =>
            {
                // Scopes stay out: ASP.NET Core's request scope holds the request path (patient ids).
                options.IncludeFormattedMessage = true;
                options.IncludeScopes = false;
            });
        services.AddLogging(logging =>
        {
            // Categories whose information and debug lines quote request paths or URLs; their warnings do not.
            foreach (var category in PathLoggingCategories)
                logging.AddFilter<OpenTelemetryLoggerProvider>(category, LogLevel.Warning);
        });

        if (exporters.AzureMonitor) otel.UseAzureMonitorExporter();
        if (exporters.Otlp) otel.UseOtlpExporter();
        hostDefaults?.Invoke(otel);
        return services;
    }

    /// <summary>Log categories that write request paths or URLs below Warning (hosting, routing, HttpClient, Azure SDK).</summary>
    public static readonly string[] PathLoggingCategories =
        ["Microsoft.AspNetCore.Hosting.Diagnostics", "Microsoft.AspNetCore.Routing", "System.Net.Http.HttpClient", "Azure.Core"];

    private static MeterProviderBuilder ConfigureDeferred(this MeterProviderBuilder builder, Action<IServiceProvider, MeterProviderBuilder> configure)
    {
        // Within WithMetrics the builder is always deferred (it is built from the service provider).
        ((IDeferredMeterProviderBuilder)builder).Configure(configure);
        return builder;
    }
}
