using AppHost.Telemetry;

namespace AppHost.Dashboard;

/// A trace laid out for the waterfall: parents before children, siblings by start time.
internal sealed record TraceWaterfall(TraceSummary Summary, double DurationMs, IReadOnlyList<WaterfallSpan> Spans)
{
    public static TraceWaterfall From(TraceDetail trace)
    {
        var start = trace.Summary.Start;
        var ids = trace.Spans.Select(span => span.SpanId).ToHashSet(StringComparer.Ordinal);
        var children = trace.Spans.ToLookup(span => ids.Contains(span.ParentSpanId) ? span.ParentSpanId : "", StringComparer.Ordinal);
        var rows = new List<WaterfallSpan>(trace.Spans.Count);
        var visited = new HashSet<string>(StringComparer.Ordinal);

        void Visit(SpanRecord span, int depth)
        {
            // A malformed trace could name itself as its own ancestor; each span is shown once.
            if (!visited.Add(span.SpanId))
            {
                return;
            }

            rows.Add(new WaterfallSpan(
                span.SpanId,
                span.ParentSpanId,
                depth,
                span.Source.Service,
                span.Source.Instance,
                span.Scope,
                span.Name,
                span.Kind,
                span.Start,
                (span.Start - start).TotalMilliseconds,
                (span.End - span.Start).TotalMilliseconds,
                span.IsError,
                span.StatusMessage,
                span.Attributes,
                span.Events.Select(e => new WaterfallEvent(e.Name, (e.Time - start).TotalMilliseconds, e.Attributes)).ToArray()));
            foreach (var child in children[span.SpanId].OrderBy(child => child.Start))
            {
                Visit(child, depth + 1);
            }
        }

        foreach (var root in children[""].OrderBy(span => span.Start))
        {
            Visit(root, 0);
        }

        foreach (var orphan in trace.Spans.Where(span => !visited.Contains(span.SpanId)))
        {
            Visit(orphan, 0);
        }

        return new TraceWaterfall(trace.Summary, trace.Summary.Duration.TotalMilliseconds, rows);
    }
}
