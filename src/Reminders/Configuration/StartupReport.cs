using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Reminders.Email;

namespace Reminders.Configuration;

/// <summary>Says at start-up what an operator must know: where email goes, and settings that switch features off.</summary>
internal sealed class StartupReport(
    IOptions<RemindersOptions> reminders, IOptions<EmailOptions> email, IEmailSender sender, ILogger<StartupReport> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(reminders.Value.AdminKey))
            logger.LogWarning("Reminders:AdminKey is empty: every admin call (creating clinics, running sweeps) gets 401.");
        if (!reminders.Value.SendingEnabled)
            logger.LogWarning("Reminders:SendingEnabled is false: sweeps record decisions but send no email.");
        if (sender is OutboxEmailSender outbox)
            logger.LogInformation("Email provider {Provider}: reminders are written as .eml files to {Folder}", email.Value.Provider, outbox.Folder);
        else
            logger.LogInformation("Email provider {Provider}, sender address {Sender}", email.Value.Provider, email.Value.SenderAddress);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
