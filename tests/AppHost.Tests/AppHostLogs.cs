using Microsoft.Extensions.Logging;

namespace AppHost.Tests;

/// <summary>What an in-process AppHost logs (its console, in a terminal), for tests that check what a developer is told.</summary>
internal sealed class AppHostLogs : ILoggerProvider
{
    private readonly List<string> _lines = [];

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lines)
            {
                return _lines.ToArray();
            }
        }
    }

    // Aspire.Hosting.Testing forwards each resource's console under "AppHost.Resources.<name>": not the AppHost's own lines.
    public ILogger CreateLogger(string categoryName) =>
        categoryName.StartsWith("AppHost.Resources.", StringComparison.Ordinal) ? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance : new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private void Add(string line)
    {
        lock (_lines)
        {
            _lines.Add(line);
        }
    }

    private sealed class Logger(AppHostLogs logs, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                logs.Add($"{logLevel} {category}: {formatter(state, exception)}");
            }
        }
    }
}
