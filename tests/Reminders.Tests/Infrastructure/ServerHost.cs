using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Reminders.Server;

namespace Reminders.Tests.Infrastructure;

/// <summary>The standalone Server host on Kestrel, on a free loopback port.</summary>
public sealed class ServerHost(WebApplication app, FakeTimeProvider time, TestSettings settings) : WebAppHost(app, time, settings)
{
    public static async Task<ServerHost> StartAsync(TestSettings settings, FakeTimeProvider time, Action<IServiceCollection>? overrides = null, string? schedule = null)
    {
        var configuration = settings.ToConfiguration();
        if (schedule is not null) configuration["ReminderSweepSchedule"] = schedule;
        var args = configuration.Select(kv => $"--{kv.Key}={kv.Value}").Append("--urls=http://127.0.0.1:0").ToArray();
        var app = ReminderServer.Create(args, services =>
        {
            services.AddSingleton<TimeProvider>(time);
            overrides?.Invoke(services);
        });
        await app.StartAsync();
        return new ServerHost(app, time, settings);
    }
}
