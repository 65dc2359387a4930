using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Gateway.Tests.TestSupport;

/// <summary>Keeps what the gateway logs, for tests of what an operator is told.</summary>
internal sealed class LogCollector : ILoggerProvider
{
    public ConcurrentQueue<LoggedEntry> Entries { get; } = new();

    public ILogger CreateLogger(string categoryName) => new CollectingLogger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class CollectingLogger(LogCollector collector, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                collector.Entries.Enqueue(new LoggedEntry(category, logLevel, formatter(state, exception)));
            }
        }
    }
}

/// <summary>One log line: its category, level and formatted message.</summary>
internal sealed record LoggedEntry(string Category, LogLevel Level, string Message);
