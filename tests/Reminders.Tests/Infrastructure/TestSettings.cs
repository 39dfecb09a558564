namespace Reminders.Tests.Infrastructure;

/// <summary>The settings a test host starts with; each test gets its own tables and outbox.</summary>
public sealed record TestSettings(string ConnectionString)
{
    public const string AdminKey = "test-admin-key";
    public const string EventGridSecret = "test-event-grid-secret";

    public string TablePrefix { get; init; } = Azurite.NewTablePrefix();
    public string OutboxPath { get; init; } = Directory.CreateTempSubdirectory("reminders-outbox-").FullName;
    public string? AdminKeyValue { get; init; } = AdminKey;
    public bool SendingEnabled { get; init; } = true;
    public string PublicBaseUrl { get; init; } = "https://reminders.clinic.test";

    /// <summary>More settings, added last (e.g. <c>Telemetry:Enabled</c>).</summary>
    public IReadOnlyDictionary<string, string?> Extra { get; init; } = new Dictionary<string, string?>();

    public Dictionary<string, string?> ToConfiguration()
    {
        var configuration = Base();
        foreach (var (key, value) in Extra) configuration[key] = value;
        return configuration;
    }

    private Dictionary<string, string?> Base() => new()
    {
        ["AzureWebJobsStorage"] = ConnectionString,
        ["Reminders:TablePrefix"] = TablePrefix,
        ["Reminders:AdminKey"] = AdminKeyValue,
        ["Reminders:SendingEnabled"] = SendingEnabled.ToString(),
        ["Email:Provider"] = "Outbox",
        ["Email:OutboxPath"] = OutboxPath,
        ["Email:SenderAddress"] = "reminders@clinic.test",
        ["Reminders:PublicBaseUrl"] = PublicBaseUrl,
        ["Reminders:LinkSigningKey"] = "test-link-signing-key-0123456789abcdef",
        ["Reminders:AddressHashKey"] = "test-address-hash-key-0123456789abcdef",
        ["Reminders:EventGridSecret"] = EventGridSecret,
        // Each test its own dispatch queue, as its own tables: hosts of other tests must not take its messages.
        ["Reminders:DispatchQueue"] = "dispatch-" + TablePrefix.ToLowerInvariant(),
        ["Reminders:Webhooks:Queue"] = "webhooks-" + TablePrefix.ToLowerInvariant(),
        // Tests make calls far faster than any clinic would; rate limits are tested with their own small settings.
        ["Reminders:RateLimits:Clinic:PermitsPerSecond"] = "100000",
        ["Reminders:RateLimits:Clinic:Burst"] = "100000",
        ["Reminders:RateLimits:Anonymous:PermitsPerSecond"] = "100000",
        ["Reminders:RateLimits:Anonymous:Burst"] = "100000",
        // Far from any test's clock, so the Server's scheduler never races a test's own sweep.
        ["ReminderSweepSchedule"] = "0 0 0 1 1 *",
    };
}
