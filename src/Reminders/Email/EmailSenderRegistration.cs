using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Reminders.Email.Acs;
using Reminders.Email.Smtp;

namespace Reminders.Email;

/// <summary>Picks the sender from <c>Email:Provider</c>: the one place that knows which provider is used.</summary>
public static class EmailSenderRegistration
{
    public static IServiceCollection AddEmailSender(this IServiceCollection services, IConfiguration configuration)
    {
        switch (configuration[$"{EmailOptions.Section}:Provider"])
        {
            case "Smtp":
                // Validated only when chosen: an outbox deployment needs no SMTP host.
                services.AddOptions<SmtpOptions>().Bind(configuration.GetSection(SmtpOptions.Section)).ValidateOnStart();
                services.AddSingleton<IValidateOptions<SmtpOptions>, SmtpOptionsValidator>();
                services.TryAddSingleton<IEmailSender, SmtpEmailSender>(); // singleton: it keeps the connection open
                break;
            case "Acs":
                services.AddOptions<AcsEmailOptions>().Bind(configuration.GetSection(AcsEmailOptions.Section)).ValidateOnStart();
                services.AddSingleton<IValidateOptions<AcsEmailOptions>, AcsEmailOptionsValidator>();
                services.TryAddSingleton<IEmailSender>(sp =>
                {
                    var acs = sp.GetRequiredService<IOptions<AcsEmailOptions>>();
                    return new AcsEmailSender(acs, sp.GetRequiredService<IOptions<EmailOptions>>(),
                        sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<AcsEmailSender>>(), AcsCredential.For(acs.Value));
                });
                break;
            default:
                // Outbox, or an unknown name that EmailOptions validation then reports at start-up.
                services.TryAddSingleton<IEmailSender, OutboxEmailSender>();
                break;
        }
        return services;
    }
}
