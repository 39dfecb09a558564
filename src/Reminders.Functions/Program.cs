using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;
using Reminders.Configuration;

// The Functions host: thin triggers over the same core the Server host serves.
var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.Services.AddReminders(builder.Configuration);
builder.Build().Run();
