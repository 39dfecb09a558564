using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Reminders.Clinics;
using Reminders.Email;
using Reminders.Http;
using Reminders.Patients;
using Reminders.Sessions;
using Reminders.Storage;
using Reminders.Sweep;
using Reminders.Unsubscribe;
using Reminders.Ledger;
using Reminders.Plan;
using Reminders.Quota;
using Reminders.Security;
using Reminders.Telemetry;

namespace Reminders.Configuration;

public static class RemindersServiceCollectionExtensions
{
    /// <summary>Everything both hosts share. Invalid settings stop start-up with a message naming the setting.</summary>
    public static IServiceCollection AddReminders(this IServiceCollection services, IConfiguration configuration)
    {
        GlobalizationCheck.EnsureAvailable();
        services.AddOptions<RemindersOptions>().Bind(configuration.GetSection(RemindersOptions.Section))
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<EmailOptions>().Bind(configuration.GetSection(EmailOptions.Section))
            .ValidateDataAnnotations()
            .Validate(o => EmailAddresses.IsValid(o.SenderAddress), "Email:SenderAddress must be an email address.")
            .ValidateOnStart();

        services.AddOptions<PatientLinkOptions>().Bind(configuration.GetSection(RemindersOptions.Section)).ValidateOnStart();
        // Without a host (a bare service collection) there is no environment: treat it as production.
        services.AddSingleton(sp => new PatientLinkOptionsSetup(sp.GetService<IHostEnvironment>()?.IsDevelopment() ?? false, configuration["urls"]));
        services.AddSingleton<IPostConfigureOptions<PatientLinkOptions>>(sp => sp.GetRequiredService<PatientLinkOptionsSetup>());
        services.AddSingleton<IValidateOptions<PatientLinkOptions>>(sp => sp.GetRequiredService<PatientLinkOptionsSetup>());

        // Built now, not lazily: a bad connection string should stop start-up, not the first request. (A test may
        // register its own client first, with a pipeline policy that pauses a chosen storage call.)
        services.TryAddSingleton(StorageSettings.CreateTableServiceClient(configuration));
        services.TryAddSingleton(TimeProvider.System);

        services.AddSingleton<ReminderTables>();
        services.AddSingleton<MetaRows>();
        services.AddSingleton<StorageMigration>();
        services.AddSingleton<SealedTokens>();
        services.AddSingleton<ApiKeyCache>();
        services.AddSingleton<ClinicKeys>();
        services.AddSingleton<ClinicDirectory>();
        services.AddOptions<RateLimitOptions>().Bind(configuration.GetSection(RateLimitOptions.Section))
            .Validate(o => Valid(o.Clinic) && Valid(o.Anonymous),
                "Reminders:RateLimits:{Clinic,Anonymous}:PermitsPerSecond must be 0.0001 to 1000000 and Burst 1 to 1000000.")
            .ValidateOnStart();
        services.AddSingleton<RequestRateLimits>();
        services.AddSingleton<Dashboard.StaffSignIns>();
        services.AddSingleton<ApiAuthentication>();
        services.AddSingleton<PatientRecords>();
        services.AddSingleton<DueIndex>();
        services.AddSingleton<ReminderReplanner>();
        services.AddSingleton<SessionRegistration>();
        services.AddSingleton<SessionBatchRegistration>();
        services.AddSingleton<PatientAdministration>();
        services.AddSingleton<Bookings.PatientBookings>();
        services.AddSingleton<Treatments.TreatmentCatalog>();
        services.AddSingleton<EmailTemplates>();
        services.AddSingleton<AddressHashes>();
        services.AddSingleton<UnsubscribeTokens>();
        services.AddSingleton<OptOuts>();
        services.AddSingleton<UnsubscribePages>();
        services.AddSingleton<CheckIn.CheckInTokens>();
        services.AddSingleton<Stats.RebookingStats>();
        services.AddSingleton<CheckIn.PatientCheckIns>();
        services.AddSingleton<CheckIn.CheckInPages>();
        services.AddSingleton<ReminderEmailComposer>();
        services.AddSingleton<PreviewLinks>();
        services.AddEmailSender(configuration);
        services.AddSingleton<SendLedger>();
        services.AddSingleton<SendQuota>();
        services.AddSingleton<DeliverySettlement>();
        services.AddSingleton<Email.DeliveryReports>();
        services.AddSingleton<DueIndexReconciler>();
        services.AddSingleton<DueReminderProcessor>();
        services.AddSingleton<ReminderPlanner>();
        services.AddSingleton<ReminderDispatcher>();
        services.TryAddSingleton(StorageSettings.CreateQueueServiceClient(configuration));
        services.AddSingleton<Dispatch.DispatchQueue>();
        services.AddSingleton<Dispatch.DispatchHandler>();
        services.AddSingleton<Dispatch.PoisonDispatch>();
        services.AddSingleton<ReminderSweep>();
        services.AddOptions<Webhooks.WebhookOptions>().Bind(configuration.GetSection(Webhooks.WebhookOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<Webhooks.WebhookClinicIndex>();
        services.AddSingleton<Webhooks.WebhookSubscriptions>();
        services.AddSingleton<Webhooks.WebhookQueue>();
        services.AddSingleton<Webhooks.WebhookPublisher>();
        services.AddSingleton<Webhooks.WebhookOutbox>();
        services.AddSingleton<Webhooks.WebhookDeliveries>();
        services.AddSingleton<Webhooks.WebhookHttp>();
        services.AddSingleton<Webhooks.WebhookSender>();
        services.AddSingleton<Webhooks.WebhookUpkeep>();
        services.AddSingleton<Webhooks.WebhookErasure>();
        services.AddSingleton<Webhooks.DeliveryReportEvents>();
        services.AddSingleton<Webhooks.OptOutEvents>();
        services.AddSingleton<Health.ReadinessCheck>();

        // The instruments exist whether or not telemetry is exported (AddRemindersTelemetry): unobserved, they cost nothing.
        services.AddOptions<TelemetryOptions>().Bind(configuration.GetSection(TelemetryOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddMetrics();
        services.AddSingleton<QuotaUsage>();
        services.AddSingleton<DispatchQueueGauges>();
        services.AddSingleton<RemindersMetrics>();
        services.AddHostedService<StartupReport>();
        return services;
    }

    private static bool Valid(RateLimitBucket bucket) =>
        bucket.PermitsPerSecond is >= 0.0001 and <= 1_000_000 && bucket.Burst is >= 1 and <= 1_000_000;
}
