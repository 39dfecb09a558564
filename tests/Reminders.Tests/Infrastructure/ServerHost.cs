using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Reminders.Server;

namespace Reminders.Tests.Infrastructure;

/// <summary>The standalone Server host on Kestrel, on a free loopback port.</summary>
public sealed class ServerHost : IApiHost
{
    private readonly WebApplication _app;

    private ServerHost(WebApplication app, FakeTimeProvider time, TestSettings settings)
    {
        _app = app;
        Time = time;
        Settings = settings;
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Client = new HttpClient { BaseAddress = new Uri(address) };
    }

    public HttpClient Client { get; }
    public FakeTimeProvider Time { get; }
    public TestSettings Settings { get; }
    public IServiceProvider Services => _app.Services;

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

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
