using Microsoft.Extensions.Time.Testing;

namespace Reminders.Tests.Infrastructure;

/// <summary>A running host (the Server, or the Functions classes behind a web host) reached over real HTTP.</summary>
public interface IApiHost : IAsyncDisposable
{
    HttpClient Client { get; }
    FakeTimeProvider Time { get; }
    TestSettings Settings { get; }
    IServiceProvider Services { get; }
}
