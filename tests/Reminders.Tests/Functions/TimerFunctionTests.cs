using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using Reminders.Functions;
using Reminders.Tests.Infrastructure;

namespace Reminders.Tests.Functions;

public sealed class TimerFunctionTests(Azurite azurite)
{
    [Fact]
    public async Task The_timer_function_runs_a_sweep_that_sends_what_is_due()
    {
        await using var host = await FunctionsHost.StartAsync(new TestSettings(azurite.ConnectionString), TestClock.New());
        var apiKey = await host.CreateClinicAsync("c1");
        await host.PostSessionOkAsync(apiKey, new { patientId = "p1", email = "ana@example.com", injectionDate = host.DaysAgo(80) });
        var function = host.Services.GetRequiredService<SweepFunctions>();

        await function.RunOnSchedule(new TimerInfo { IsPastDue = true }, TestContext.Current.CancellationToken);

        Assert.Single(Outbox.Files(host.Settings.OutboxPath));
        Assert.Equal("Sent", (await host.GetPatientAsync(apiKey, "p1"))!.Status(host.DaysAgo(80)));
    }
}
