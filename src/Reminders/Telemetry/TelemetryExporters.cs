using Microsoft.Extensions.Configuration;

namespace Reminders.Telemetry;

/// <summary>
/// Where telemetry goes, read from the variables the exporters themselves read: Azure Monitor when
/// <c>APPLICATIONINSIGHTS_CONNECTION_STRING</c> is set, OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set, both when
/// both are, nowhere when neither is.
/// </summary>
public sealed record TelemetryExporters(bool AzureMonitor, bool Otlp)
{
    public const string AzureMonitorSetting = "APPLICATIONINSIGHTS_CONNECTION_STRING";
    public const string OtlpSetting = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary><c>Telemetry:Enabled</c>: true turns telemetry on without either variable (an exporter added in code: tests, local debugging); false turns it off whatever is set.</summary>
    public const string EnabledSetting = "Telemetry:Enabled";

    public bool Any => AzureMonitor || Otlp;

    /// <summary>Whether to build the OpenTelemetry providers at all.</summary>
    public static bool IsOn(IConfiguration configuration, TelemetryExporters exporters) =>
        bool.TryParse(configuration[EnabledSetting], out var enabled) ? enabled : exporters.Any;

    public static TelemetryExporters From(IConfiguration configuration) =>
        new(!string.IsNullOrWhiteSpace(configuration[AzureMonitorSetting]), !string.IsNullOrWhiteSpace(configuration[OtlpSetting]));
}
