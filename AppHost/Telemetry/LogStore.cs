namespace AppHost.Telemetry;

/// Received log records, the newest <see cref="Capacity"/> of them.
internal sealed class LogStore(int capacity = LogStore.DefaultCapacity)
{
    public const int DefaultCapacity = 10_000;

    private readonly Queue<LogEntry> _entries = new();
    private readonly Lock _gate = new();
    private long _sequence;

    public int Capacity { get; } = capacity;

    public int Count
    {
        get { lock (_gate) { return _entries.Count; } }
    }

    /// Numbers each record by arrival, so pages can ask for what is new.
    public long NextSequence() => Interlocked.Increment(ref _sequence);

    public void Add(IEnumerable<LogEntry> entries)
    {
        lock (_gate)
        {
            foreach (var entry in entries)
            {
                if (_entries.Count == Capacity)
                {
                    _entries.Dequeue();
                }

                _entries.Enqueue(entry);
            }
        }
    }

    /// Newest first.
    public IReadOnlyList<LogEntry> Query(LogQuery query)
    {
        lock (_gate)
        {
            return _entries.Reverse().Where(query.Matches).Take(query.Limit).ToArray();
        }
    }

    public IReadOnlyList<string> Services()
    {
        lock (_gate)
        {
            return _entries.Select(entry => entry.Source.Service).Distinct().Order(StringComparer.Ordinal).ToArray();
        }
    }
}
