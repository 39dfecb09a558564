using Microsoft.Extensions.Time.Testing;

namespace Reminders.Tests.Infrastructure;

/// <summary>Base of the HTTP contract test classes: one fresh host per test, which each subclass picks (Server or Functions).</summary>
public abstract class HostedApiTests(Azurite azurite) : IAsyncLifetime
{
    protected IApiHost Host { get; private set; } = null!;

    protected abstract Task<IApiHost> StartAsync(TestSettings settings, FakeTimeProvider time);

    public virtual async ValueTask InitializeAsync() => Host = await StartAsync(new TestSettings(azurite.ConnectionString), TestClock.New());

    public async ValueTask DisposeAsync() => await Host.DisposeAsync();
}
