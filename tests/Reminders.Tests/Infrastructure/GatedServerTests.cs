namespace Reminders.Tests.Infrastructure;

/// <summary>Base of test classes that drive races or count requests: one Server per test, its storage behind <see cref="Gate"/>.</summary>
public abstract class GatedServerTests(Azurite azurite) : IAsyncLifetime
{
    protected StorageGate Gate { get; } = new();
    protected ServerHost Host { get; private set; } = null!;

    public virtual async ValueTask InitializeAsync()
    {
        var settings = new TestSettings(azurite.ConnectionString);
        Host = await ServerHost.StartAsync(settings, TestClock.New(), services => Gate.Install(services, settings.ConnectionString));
    }

    public async ValueTask DisposeAsync() => await Host.DisposeAsync();
}
