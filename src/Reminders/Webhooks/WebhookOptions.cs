using System.ComponentModel.DataAnnotations;

namespace Reminders.Webhooks;

/// <summary>Settings under <c>Reminders:Webhooks</c> (environment: <c>Reminders__Webhooks__Name</c>).</summary>
public sealed class WebhookOptions
{
    public const string Section = "Reminders:Webhooks";

    /// <summary>The Storage queue that carries each event to the clinic's receiver, off the request path and the sweep.</summary>
    [RegularExpression("^[a-z0-9](?!.*--)[a-z0-9-]{1,54}[a-z0-9]$", ErrorMessage = "Reminders:Webhooks:Queue must be a queue name: 3-56 lowercase letters, digits and single hyphens.")]
    public string Queue { get; set; } = "reminders-webhooks";

    /// <summary>How long one event is retried before it is given up and the receiver disabled.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan RetryWindow { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// Waits between attempts, the last repeated until <see cref="RetryWindow"/> ends. Unset: <see cref="DefaultRetryDelays"/>.
    /// (Unset rather than defaulted here: configuration binding adds to an array it finds, it does not replace it.)
    /// </summary>
    public TimeSpan[]? RetryDelays { get; set; }

    /// <summary>The Standard Webhooks suggestion, stretched to about 24 hours: 5 s, 5 min, 30 min, 2 h, 5 h, then every 8 h.</summary>
    public static readonly IReadOnlyList<TimeSpan> DefaultRetryDelays =
    [
        TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(30), TimeSpan.FromHours(2),
        TimeSpan.FromHours(5), TimeSpan.FromHours(8),
    ];

    /// <summary>How long a receiver has to answer one delivery.</summary>
    [Range(typeof(TimeSpan), "00:00:00.1", "00:01:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Tests and local trials only: accept <c>http://</c> URLs on loopback (127.0.0.1, ::1). Never in production: it
    /// is what the SSRF rules exist to refuse.
    /// </summary>
    public bool AllowLoopbackForTests { get; set; }

    /// <summary>Server host: read the webhook queue in this instance (the Functions app uses its queue trigger instead).</summary>
    public bool Consume { get; set; } = true;

    /// <summary>How long a rotated-out secret still signs beside the new one, so a receiver can switch without a gap.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "7.00:00:00")]
    public TimeSpan PreviousSecretOverlap { get; set; } = TimeSpan.FromHours(24);

    /// <summary>The wait after failed attempt number <paramref name="attempt"/> (1 for the first).</summary>
    public TimeSpan DelayBefore(int attempt)
    {
        IReadOnlyList<TimeSpan> delays = RetryDelays is { Length: > 0 } set ? set : DefaultRetryDelays;
        return delays[Math.Clamp(attempt - 1, 0, delays.Count - 1)];
    }
}
