namespace AppHost.Telemetry;

/// A trace with all its spans, for the waterfall.
internal sealed record TraceDetail(TraceSummary Summary, IReadOnlyList<SpanRecord> Spans);
