using System.Net;
using System.Net.Sockets;
using Azure.Core;
using Azure.Storage.Queues;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Reminders.Configuration;
using Reminders.Dispatch;

namespace Reminders.Tests.Dispatch;

/// <summary>
/// The Server's queue consumer outlives its storage: when the queue cannot be reached (Azurite stopped first, a
/// network blip), the SDK gives up with an AggregateException after its retries, and that must not end the host.
/// </summary>
public sealed class DispatchListenerResilienceTests
{
    [Fact]
    public async Task Unreachable_storage_is_logged_and_retried_without_ending_the_consumer()
    {
        // A loopback port nobody listens on: every request fails with "connection refused".
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var key = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
        var clientOptions = new QueueClientOptions { Retry = { MaxRetries = 1, Delay = TimeSpan.FromMilliseconds(10), Mode = RetryMode.Fixed } };
        var service = new QueueServiceClient(
            $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={key};QueueEndpoint=http://127.0.0.1:{port}/devstoreaccount1;",
            clientOptions);
        var options = Options.Create(new RemindersOptions { ConsumeDispatchQueue = true, DispatchQueue = "unreachable" });
        var logs = new CountingLogger();
        // The handler and poison path are never reached: no message can be received.
        using var consumer = new DispatchQueueListener(new DispatchQueue(service, options), null!, null!, options, logs);

        await consumer.StartAsync(TestContext.Current.CancellationToken);
        await logs.WarnedTwice.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        Assert.False(consumer.ExecuteTask!.IsCompleted, "the consumer ended instead of trying again");
        Assert.All(logs.Exceptions, e => Assert.IsType<AggregateException>(e));
        await consumer.StopAsync(CancellationToken.None);
        Assert.False(consumer.ExecuteTask.IsFaulted);
    }

    private sealed class CountingLogger : ILogger<DispatchQueueListener>
    {
        private readonly TaskCompletionSource _twice = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _warnings;

        public Task WarnedTwice => _twice.Task;
        public List<Exception> Exceptions { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel != LogLevel.Warning) return;
            lock (Exceptions) if (exception is not null) Exceptions.Add(exception);
            if (Interlocked.Increment(ref _warnings) >= 2) _twice.TrySetResult();
        }
    }
}
