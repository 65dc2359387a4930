namespace AppHost.Telemetry;

/// Received spans grouped into traces; holds at most <see cref="Capacity"/> spans and drops whole traces, oldest first.
internal sealed class TraceStore(int capacity = TraceStore.DefaultCapacity)
{
    public const int DefaultCapacity = 10_000;

    private readonly Dictionary<string, TraceEntry> _traces = [];
    private readonly Queue<string> _arrival = new();
    private readonly Lock _gate = new();
    private int _spanCount;

    public int Capacity { get; } = capacity;

    public int SpanCount
    {
        get { lock (_gate) { return _spanCount; } }
    }

    public void Add(IEnumerable<SpanRecord> spans)
    {
        lock (_gate)
        {
            foreach (var span in spans)
            {
                if (!_traces.TryGetValue(span.TraceId, out var trace))
                {
                    trace = new TraceEntry(span.TraceId);
                    _traces.Add(span.TraceId, trace);
                    _arrival.Enqueue(span.TraceId);
                }

                if (trace.Add(span))
                {
                    _spanCount++;
                }
            }

            while (_spanCount > Capacity && _arrival.TryDequeue(out var oldest))
            {
                if (_traces.Remove(oldest, out var evicted))
                {
                    _spanCount -= evicted.Spans.Count;
                }
            }
        }
    }

    /// Newest first, by the start of each trace.
    public IReadOnlyList<TraceSummary> Query(TraceQuery query)
    {
        lock (_gate)
        {
            return _traces.Values
                .Where(query.Matches)
                .OrderByDescending(trace => trace.Start)
                .Take(query.Limit)
                .Select(trace => trace.Summarize())
                .ToArray();
        }
    }

    /// The trace's spans ordered by start time, or null when it is unknown or was dropped.
    public TraceDetail? Find(string traceId)
    {
        lock (_gate)
        {
            return _traces.TryGetValue(traceId, out var trace)
                ? new TraceDetail(trace.Summarize(), trace.Spans.OrderBy(span => span.Start).ToArray())
                : null;
        }
    }

    public IReadOnlyList<string> Services()
    {
        lock (_gate)
        {
            return _traces.Values.SelectMany(trace => trace.Services).Distinct().Order(StringComparer.Ordinal).ToArray();
        }
    }
}
