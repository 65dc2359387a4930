using AppHost.Telemetry;

namespace AppHost.Dashboard;

/// One row of a trace's waterfall: the span, where its bar starts and how deep it sits in the tree.
internal sealed record WaterfallSpan(
    string SpanId,
    string ParentSpanId,
    int Depth,
    string Service,
    string Instance,
    string Scope,
    string Name,
    string Kind,
    DateTimeOffset Start,
    double OffsetMs,
    double DurationMs,
    bool IsError,
    string StatusMessage,
    IReadOnlyList<TelemetryAttribute> Attributes,
    IReadOnlyList<WaterfallEvent> Events);
