using Azure.Storage.Queues;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.DependencyInjection;
using Reminders.Dispatch;
using Reminders.Plan;
using Reminders.Sweep;
using Reminders.Tests.Infrastructure;

namespace Reminders.Tests.Dispatch;

/// <summary>The dispatch queue between the planner and the senders, on the Server host's consumer.</summary>
public sealed class DispatchQueueTests(Azurite azurite)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Planning_queues_each_due_reminder_once_in_messages_of_the_batch_size_and_not_again_within_its_lease()
    {
        var settings = new TestSettings(azurite.ConnectionString);
        var time = TestClock.New();
        await using var host = await ServerHost.StartAsync(settings, time, services =>
            services.PostConfigure<Reminders.Configuration.RemindersOptions>(o => { o.ConsumeDispatchQueue = false; o.DispatchBatchSize = 7; }));
        var apiKey = await host.CreateClinicAsync("c1");
        for (var i = 0; i < 20; i++)
            await host.PostSessionOkAsync(apiKey, new { patientId = $"p{i:00}", email = $"p{i}@example.com", injectionDate = host.DaysAgo(76 + i % 3) });
        var sweep = host.Services.GetRequiredService<ReminderSweep>();

        var first = await sweep.PlanAsync(Ct);
        var again = await sweep.PlanAsync(Ct);
        time.Advance(TimeSpan.FromMinutes(11)); // the lease of the first plan has ended, nothing was settled
        var later = await sweep.PlanAsync(Ct);

        Assert.Equal((20, 20, 3), (first.Planned, first.Queued, first.Messages));
        Assert.Equal((0, 0), (again.Planned, again.Queued));
        Assert.Equal((20, 3), (later.Queued, later.Messages));
        var queue = host.Services.GetRequiredService<DispatchQueue>().Queue;
        var messages = (await queue.ReceiveMessagesAsync(32, cancellationToken: Ct)).Value;
        Assert.Equal(6, messages.Length);
        Assert.All(messages, m => Assert.True(m.Body.ToArray().Length < 64 * 1024 * 3 / 4));
        var items = messages.Take(3).SelectMany(m => DispatchMessage.Parse(m.Body.ToString())!.Items).Select(i => i.PatientId).ToList();
        Assert.Equal(20, items.Distinct().Count());
    }

    private static void QueueMessageLike(Azure.Response<Azure.Storage.Queues.Models.QueueMessage[]> received) => Assert.Single(received.Value);

    [Fact]
    public async Task A_message_that_failed_too_often_goes_to_the_poison_queue_and_its_reminders_are_planned_again()
    {
        var settings = new TestSettings(azurite.ConnectionString);
        var time = TestClock.New();
        var poisoned = new LogSignal("failed too often");
        await using (var planner = await ServerHost.StartAsync(settings, time, services =>
            services.PostConfigure<Reminders.Configuration.RemindersOptions>(o => o.ConsumeDispatchQueue = false)))
        {
            var apiKey = await planner.CreateClinicAsync("c1");
            await planner.PostSessionOkAsync(apiKey, new { patientId = "p1", email = "a@example.com", injectionDate = planner.DaysAgo(76) });
            Assert.Equal(1, (await planner.Services.GetRequiredService<ReminderSweep>().PlanAsync(Ct)).Queued);
            // Two deliveries that failed (taken, never deleted, visible again a second later: the shortest hiding time).
            var queue = planner.Services.GetRequiredService<DispatchQueue>().Queue;
            for (var i = 0; i < 2; i++)
            {
                QueueMessageLike(await queue.ReceiveMessagesAsync(1, TimeSpan.FromSeconds(1), Ct));
                await Task.Delay(TimeSpan.FromMilliseconds(1100), Ct);
            }
        }

        await using var consumer = await ServerHost.StartAsync(settings, time, services =>
        {
            services.AddLogging(l => l.AddProvider(poisoned));
            services.PostConfigure<Reminders.Configuration.RemindersOptions>(o => o.MaxDequeueCount = 2);
        });
        var line = await poisoned.Seen.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Contains("its 1 reminders stay pending", line);
        Assert.DoesNotContain("p1", line); // no patient id in the log
        var dispatch = consumer.Services.GetRequiredService<DispatchQueue>();
        Assert.Single((await dispatch.Poison.PeekMessagesAsync(10, Ct)).Value);
        Assert.Empty(Outbox.Files(settings.OutboxPath));
        var rows = new List<DueEntity>();
        await foreach (var row in consumer.Services.GetRequiredService<Reminders.Storage.ReminderTables>().Due.QueryAsync<DueEntity>(cancellationToken: Ct)) rows.Add(row);
        Assert.True(Assert.Single(rows).PlannedUntil < time.GetUtcNow()); // released: the next sweep plans it again, without waiting for the lease
        Assert.Equal(1, (await consumer.Services.GetRequiredService<ReminderSweep>().PlanAsync(Ct)).Queued);
    }
}
