using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using Reminders.Email;
using Reminders.Email.Acs;
using Reminders.FaultHost;
using Reminders.Server;

// Test-only Server host. Environment: FAULT_JOURNAL (file), FAULT_PAUSE_AT (storage request number to hold; 0: none),
// FAULT_CLOCK_START (the clock's first instant), FAULT_CLOCK_ANCHOR (the real instant it maps to), FAULT_CLOCK_SPEED. Everything else is the Server's own configuration.
var journal = new Journal(Environment.GetEnvironmentVariable("FAULT_JOURNAL") ?? throw new InvalidOperationException("FAULT_JOURNAL"));
var pauseAt = int.Parse(Environment.GetEnvironmentVariable("FAULT_PAUSE_AT") ?? "0");
var clockStart = DateTimeOffset.Parse(Environment.GetEnvironmentVariable("FAULT_CLOCK_START") ?? DateTimeOffset.UtcNow.ToString("O"));
var clockAnchor = Environment.GetEnvironmentVariable("FAULT_CLOCK_ANCHOR") is { } anchorText ? DateTimeOffset.Parse(anchorText) : DateTimeOffset.UtcNow;
var clock = new ShiftedClock(clockStart, clockAnchor, double.Parse(Environment.GetEnvironmentVariable("FAULT_CLOCK_SPEED") ?? "1", System.Globalization.CultureInfo.InvariantCulture));
var fault = new FaultSwitch(journal);
journal.Write($"START pid={Environment.ProcessId} pauseAt={pauseAt}");

var app = ReminderServer.Create(args, services =>
{
    services.AddSingleton<TimeProvider>(clock);
    services.AddSingleton(sp =>
    {
        var options = new TableClientOptions();
        options.AddPolicy(new PausingStoragePolicy(journal, fault, pauseAt), Azure.Core.HttpPipelinePosition.PerRetry);
        return new TableServiceClient(sp.GetRequiredService<IConfiguration>()["AzureWebJobsStorage"], options);
    });
    services.AddSingleton<IEmailSender>(sp =>
    {
        var configuration = sp.GetRequiredService<IConfiguration>();
        var email = sp.GetRequiredService<IOptions<EmailOptions>>();
        IEmailSender inner = configuration["Email:Provider"] == "Acs"
            ? new AcsEmailSender(Options.Create(configuration.GetSection(AcsEmailOptions.Section).Get<AcsEmailOptions>()!), email, clock,
                sp.GetRequiredService<ILogger<AcsEmailSender>>())
            : new OutboxEmailSender(email, clock);
        return new JournalingSender(inner, journal, fault, clock);
    });
});
app.Lifetime.ApplicationStarted.Register(() => journal.Write("LISTENING " + string.Join(' ', app.Urls)));
app.Run();
