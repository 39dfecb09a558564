using Azure.Storage.Queues;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using Reminders.Dispatch;
using Reminders.Functions;
using Reminders.Tests.Infrastructure;

namespace Reminders.Tests.Functions;

public sealed class TimerFunctionTests(Azurite azurite)
{
    [Fact]
    public async Task The_timer_plans_onto_the_dispatch_queue_and_the_queue_function_sends()
    {
        await using var host = await FunctionsHost.StartAsync(new TestSettings(azurite.ConnectionString), TestClock.New());
        var apiKey = await host.CreateClinicAsync("c1");
        await host.PostSessionOkAsync(apiKey, new { patientId = "p1", email = "ana@example.com", injectionDate = host.DaysAgo(80) });
        var ct = TestContext.Current.CancellationToken;

        await host.Services.GetRequiredService<SweepFunctions>().PlanOnSchedule(new TimerInfo { IsPastDue = true }, ct);

        // The timer only planned: nothing sent yet, one message on the queue.
        Assert.Empty(Outbox.Files(host.Settings.OutboxPath));
        var queue = host.Services.GetRequiredService<DispatchQueue>().Queue;
        var message = Assert.Single((await queue.ReceiveMessagesAsync(32, cancellationToken: ct)).Value);
        // A second plan within the lease queues nothing more.
        await host.Services.GetRequiredService<SweepFunctions>().PlanOnSchedule(new TimerInfo(), ct);
        Assert.Empty((await queue.ReceiveMessagesAsync(32, cancellationToken: ct)).Value);

        await host.Services.GetRequiredService<DispatchFunctions>().Dispatch(message.Body.ToString(), ct);

        Assert.Single(Outbox.Files(host.Settings.OutboxPath));
        Assert.Equal("Sent", (await host.GetPatientAsync(apiKey, "p1"))!.Status(host.DaysAgo(80)));
    }
}
