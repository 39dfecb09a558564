using Microsoft.Extensions.DependencyInjection.Extensions;
using Reminders.Configuration;
using Reminders.Http;
using Reminders.Server.ApiDescription;
using Reminders.Telemetry;

namespace Reminders.Server;

public static class ReminderServer
{
    /// <summary>Builds the app; tests pass <paramref name="overrides"/> to swap services such as the clock.</summary>
    public static WebApplication Create(string[] args, Action<IServiceCollection>? overrides = null)
    {
        // Content root = the app's folder, so appsettings.json is found whatever the working directory.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        // Kestrel's own cap sits above the API's 64 KiB limit, which answers with a problem body first.
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = 1024 * 1024);
        overrides?.Invoke(builder.Services);
        builder.Services.AddReminders(builder.Configuration);
        builder.Services.AddRemindersTelemetry(builder.Configuration);
        builder.Services.AddProblemDetails();
        builder.Services.AddRemindersOpenApi();
        builder.Services.AddSingleton(SweepSchedule.FromConfiguration(builder.Configuration));
        builder.Services.AddHostedService<SweepScheduler>();
        builder.Services.AddHostedService<Reminders.Dispatch.DispatchQueueListener>();
        builder.Services.AddHostedService<Reminders.Webhooks.WebhookQueueListener>();

        var app = builder.Build();
        app.UseAdmissionControl();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.MapRemindersApi();
        return app;
    }
}
