namespace AppHost.Telemetry;

/// One received span, decoded.
internal sealed record SpanRecord
{
    public required string TraceId { get; init; }

    public required string SpanId { get; init; }

    /// Empty for a root span.
    public required string ParentSpanId { get; init; }

    public required TelemetrySource Source { get; init; }

    public required string Scope { get; init; }

    public required string Name { get; init; }

    public required string Kind { get; init; }

    public required DateTimeOffset Start { get; init; }

    public required DateTimeOffset End { get; init; }

    public bool IsError { get; init; }

    public string StatusMessage { get; init; } = "";

    public IReadOnlyList<TelemetryAttribute> Attributes { get; init; } = [];

    public IReadOnlyList<SpanEventRecord> Events { get; init; } = [];

    public string? Attribute(string key) => Attributes.FirstOrDefault(attribute => attribute.Key == key)?.Value;
}
