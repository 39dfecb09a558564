using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Reminders.Tests.Infrastructure;

/// <summary>A started web app on a free loopback port, with a client pointed at it.</summary>
public abstract class WebAppHost : IApiHost
{
    private readonly WebApplication _app;

    protected WebAppHost(WebApplication app, FakeTimeProvider time, TestSettings settings)
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

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
