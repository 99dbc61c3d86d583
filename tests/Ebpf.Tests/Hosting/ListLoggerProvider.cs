using Microsoft.Extensions.Logging;

namespace Ebpf.Tests.Hosting;

/// <summary>Keeps every log entry (all levels) for assertions.</summary>
internal sealed class ListLoggerProvider : ILoggerProvider
{
    public List<(LogLevel Level, string Category, string Message)> Entries { get; } = [];

    public ILogger CreateLogger(string categoryName) => new ListLogger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class ListLogger(ListLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (provider.Entries)
            {
                provider.Entries.Add((logLevel, category, formatter(state, exception)));
            }
        }
    }
}
