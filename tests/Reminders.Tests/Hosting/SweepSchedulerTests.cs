using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Reminders.Tests.Infrastructure;

namespace Reminders.Tests.Hosting;

public sealed class SweepSchedulerTests(Azurite azurite)
{
    [Fact]
    public async Task The_Server_plans_on_ReminderSweepSchedule_and_its_queue_consumer_sends()
    {
        var settings = new TestSettings(azurite.ConnectionString);
        var time = TestClock.New(TestClock.Start.AddMinutes(-30)); // 09:30 UTC; the hourly schedule fires at 10:00
        var sweepFinished = new LogSignal("sent 1");
        await using var host = await ServerHost.StartAsync(settings, time, services =>
            services.AddLogging(logging => logging.AddProvider(sweepFinished)), schedule: "0 0 * * * *");
        var apiKey = await host.CreateClinicAsync("c1");
        await host.PostSessionOkAsync(apiKey, new { patientId = "p1", email = "ana@example.com", injectionDate = host.DaysAgo(80) });

        Assert.False(sweepFinished.Seen.IsCompleted);
        time.Advance(TimeSpan.FromMinutes(30));
        var summary = await sweepFinished.Seen.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.StartsWith("Dispatch ", summary); // sent by the queue consumer, not by the scheduler itself // sent by the queue consumer, not by the scheduler itself
        Assert.Single(Outbox.Files(settings.OutboxPath));
    }
}
