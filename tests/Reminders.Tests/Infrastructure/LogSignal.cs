using Microsoft.Extensions.Logging;

namespace Reminders.Tests.Infrastructure;

/// <summary>A logger provider that completes a task when a log message containing some text is written: a way to wait for background work without sleeping.</summary>
public sealed class LogSignal(string text) : ILoggerProvider, ILogger
{
    private readonly TaskCompletionSource<string> _seen = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task<string> Seen => _seen.Task;

    public ILogger CreateLogger(string categoryName) => this;
    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var message = formatter(state, exception);
        if (message.Contains(text, StringComparison.Ordinal)) _seen.TrySetResult(message);
    }

    public void Dispose() { }
}
