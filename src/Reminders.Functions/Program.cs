using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Reminders.Configuration;
using Reminders.Telemetry;

// The Functions host: thin triggers over the same core the Server host serves.
var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.Services.AddReminders(builder.Configuration);
// The worker sees the Functions host's connection, not the caller's: the platform's front end names the caller in
// X-Forwarded-For (unless Reminders:RateLimits:ClientAddressHeader says otherwise).
builder.Services.Configure<Reminders.Http.RateLimitOptions>(o => o.ClientAddressHeader ??= "X-Forwarded-For");
builder.Services.AddRemindersTelemetry(builder.Configuration, otel => otel.UseFunctionsWorkerDefaults());
builder.Build().Run();
