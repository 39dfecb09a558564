using System.ComponentModel.DataAnnotations;

namespace Reminders.Telemetry;

/// <summary>Settings under <c>Telemetry</c>. Where telemetry goes is not here: see <see cref="TelemetryExporters"/>.</summary>
public sealed class TelemetryOptions
{
    public const string Section = "Telemetry";

    /// <summary>
    /// How old the dispatch queue's length and oldest-message age may be when a metrics reader asks for them. Reading
    /// them is two storage calls; a reader collecting every few seconds must not turn into that many calls.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan QueueGaugeRefresh { get; set; } = TimeSpan.FromSeconds(30);
}
