using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Reminders.Telemetry;

namespace Reminders.Tests.Telemetry;

/// <summary>Where telemetry goes is decided by the exporters' own variables; with neither set there is no provider at all.</summary>
public sealed class TelemetryRegistrationTests
{
    private static ServiceCollection Registered(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value))).Build();
        var services = new ServiceCollection();
        services.AddRemindersTelemetry(configuration);
        return services;
    }

    // Only the registrations are looked at: building the providers would start exporters that try to send.
    private static bool HasProviders(IServiceCollection services) =>
        services.Any(d => d.ServiceType == typeof(TracerProvider)) && services.Any(d => d.ServiceType == typeof(MeterProvider));

    [Fact]
    public void Without_an_exporter_no_provider_is_built()
    {
        var services = Registered();
        using var provider = services.BuildServiceProvider();

        Assert.False(HasProviders(services));
        Assert.Null(provider.GetService<TracerProvider>());
        Assert.Null(provider.GetService<MeterProvider>());
    }

    [Theory]
    [InlineData(TelemetryExporters.AzureMonitorSetting, "InstrumentationKey=00000000-0000-0000-0000-000000000000")]
    [InlineData(TelemetryExporters.OtlpSetting, "http://127.0.0.1:4317")]
    [InlineData(TelemetryExporters.EnabledSetting, "true")]
    public void An_exporter_variable_or_Telemetry_Enabled_turns_the_providers_on(string key, string value) =>
        Assert.True(HasProviders(Registered((key, value))));

    [Fact]
    public void Telemetry_Enabled_false_turns_them_off_whatever_is_set() =>
        Assert.False(HasProviders(Registered((TelemetryExporters.OtlpSetting, "http://127.0.0.1:4317"), (TelemetryExporters.EnabledSetting, "false"))));

    [Fact]
    public void Both_exporters_can_be_chosen_together()
    {
        var exporters = TelemetryExporters.From(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [TelemetryExporters.AzureMonitorSetting] = "InstrumentationKey=00000000-0000-0000-0000-000000000000",
            [TelemetryExporters.OtlpSetting] = "http://127.0.0.1:4317",
        }).Build());

        Assert.Equal(new TelemetryExporters(AzureMonitor: true, Otlp: true), exporters);
    }
}
