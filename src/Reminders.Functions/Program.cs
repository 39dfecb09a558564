using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.Hosting;
using Reminders.Configuration;
using Reminders.Telemetry;

// The Functions host: thin triggers over the same core the Server host serves.
var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.Services.AddReminders(builder.Configuration);
builder.Services.AddRemindersTelemetry(builder.Configuration, otel => otel.UseFunctionsWorkerDefaults());
builder.Build().Run();
