using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;

namespace Reminders.Tests.Infrastructure;

/// <summary>
/// A Server that admits one request at a time and waits 50 ms for a turn, its storage behind <paramref name="gate"/>:
/// hold one request on storage and the next one meets the overload answer.
/// </summary>
public static class OneAtATimeServer
{
    public static Task<ServerHost> StartAsync(string connectionString, StorageGate gate) =>
        ServerHost.StartAsync(new TestSettings(connectionString), TestClock.New(), services =>
        {
            gate.Install(services, connectionString);
            services.PostConfigure<Reminders.Configuration.RemindersOptions>(o =>
            {
                o.MaxConcurrentRequests = 1;
                o.MaxRequestWait = TimeSpan.FromMilliseconds(50);
            });
        });
}
