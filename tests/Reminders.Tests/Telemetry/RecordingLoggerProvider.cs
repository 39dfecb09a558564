using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Reminders.Tests.Telemetry;

/// <summary>One log line as a provider sees it: the formatted text, the state's names and values, the scopes around it.</summary>
public sealed record RecordedLog(string Category, LogLevel Level, string Message, IReadOnlyList<string> State, IReadOnlyList<string> Scopes, string? Exception);

/// <summary>An <see cref="ILoggerProvider"/> that keeps every line the host's filters let through, with its state and scopes.</summary>
public sealed class RecordingLoggerProvider : ILoggerProvider, ISupportExternalScope
{
    private readonly ConcurrentQueue<RecordedLog> _logs = new();
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    public IReadOnlyList<RecordedLog> Logs => _logs.ToArray();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose() { }

    private static IEnumerable<string> Texts(object? value)
    {
        if (value is null) yield break;
        yield return value.ToString() ?? "";
        if (value is IEnumerable<KeyValuePair<string, object?>> pairs)
            foreach (var (key, item) in pairs)
                yield return $"{key}={item}";
    }

    private sealed class Logger(RecordingLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => provider._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var scopes = new List<string>();
            provider._scopes.ForEachScope((scope, list) => list.AddRange(Texts(scope)), scopes);
            provider._logs.Enqueue(new RecordedLog(category, logLevel, formatter(state, exception), Texts(state).ToList(), scopes, exception?.ToString()));
        }
    }
}
