namespace AppHost.Telemetry;

/// The spans of one trace and what the list view needs about them, kept up to date as spans arrive.
internal sealed class TraceEntry(string traceId)
{
    public const string TenantAttribute = "tenant.id";

    private readonly List<SpanRecord> _spans = [];
    private readonly HashSet<string> _spanIds = [];

    public string TraceId { get; } = traceId;

    public IReadOnlyList<SpanRecord> Spans => _spans;

    public DateTimeOffset Start { get; private set; } = DateTimeOffset.MaxValue;

    public DateTimeOffset End { get; private set; } = DateTimeOffset.MinValue;

    public int ErrorCount { get; private set; }

    public HashSet<string> Services { get; } = new(StringComparer.Ordinal);

    public HashSet<string> Tenants { get; } = new(StringComparer.Ordinal);

    /// False for a span already held (an exporter retry).
    public bool Add(SpanRecord span)
    {
        if (!_spanIds.Add(span.SpanId))
        {
            return false;
        }

        _spans.Add(span);
        Start = span.Start < Start ? span.Start : Start;
        End = span.End > End ? span.End : End;
        ErrorCount += span.IsError ? 1 : 0;
        Services.Add(span.Source.Service);
        if (span.Attribute(TenantAttribute) is { Length: > 0 } tenant)
        {
            Tenants.Add(tenant);
        }

        return true;
    }

    /// The span without a parent here; while the root has not arrived, the earliest span stands in.
    public SpanRecord Root() =>
        _spans.Where(span => span.ParentSpanId.Length == 0 || !_spanIds.Contains(span.ParentSpanId))
            .OrderBy(span => span.ParentSpanId.Length == 0 ? 0 : 1)
            .ThenBy(span => span.Start)
            .First();

    public TraceSummary Summarize()
    {
        var root = Root();
        return new TraceSummary(
            TraceId,
            root.Source.Service,
            root.Name,
            Start,
            End - Start,
            _spans.Count,
            ErrorCount,
            Services.Order(StringComparer.Ordinal).ToArray(),
            Tenants.Order(StringComparer.Ordinal).ToArray());
    }
}
