namespace AppHost.Telemetry;

/// One received log record, decoded; <see cref="Sequence"/> orders records by arrival.
internal sealed record LogEntry
{
    public required long Sequence { get; init; }

    public required DateTimeOffset Time { get; init; }

    public required LogLevelName Level { get; init; }

    public required TelemetrySource Source { get; init; }

    /// The logger category (.NET puts it in the instrumentation scope).
    public required string Category { get; init; }

    public required string Message { get; init; }

    public string TraceId { get; init; } = "";

    public string SpanId { get; init; } = "";

    public IReadOnlyList<TelemetryAttribute> Attributes { get; init; } = [];
}
