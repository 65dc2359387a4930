namespace AppHost.Hosting;

/// A resource's console lines: echoed with a `[name]` prefix and kept, bounded, for the dashboard.
internal sealed class ResourceLog(string name, TextWriter? echo, int capacity = ResourceLog.DefaultCapacity)
{
    public const int DefaultCapacity = 10_000;

    private readonly Queue<string> _lines = new();
    private readonly Lock _gate = new();

    public string Name { get; } = name;

    public void Append(string line)
    {
        lock (_gate)
        {
            if (_lines.Count == capacity)
            {
                _lines.Dequeue();
            }

            _lines.Enqueue(line);
        }

        echo?.WriteLine($"[{Name}] {line}");
    }

    public IReadOnlyList<string> Tail(int count)
    {
        lock (_gate)
        {
            return _lines.Skip(Math.Max(0, _lines.Count - count)).ToArray();
        }
    }

    /// The last lines, ready to append to an error message; a crash's first line is kept even when its stack trace is long.
    public string FormatTail(int count = 20)
    {
        var tail = Tail(count).ToList();
        var crash = Tail(DefaultCapacity).LastOrDefault(line => line.StartsWith("Unhandled exception.", StringComparison.Ordinal));
        if (crash is not null && !tail.Contains(crash))
        {
            tail.Insert(0, crash);
            tail.Insert(1, "...");
        }

        return tail.Count == 0
            ? " (no console output)"
            : $"{Environment.NewLine}  last console lines:{Environment.NewLine}    " + string.Join($"{Environment.NewLine}    ", tail);
    }
}
