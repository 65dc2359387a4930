namespace AppHost.Telemetry;

/// A timestamped event within a span (an exception, a retry, ...).
internal sealed record SpanEventRecord(string Name, DateTimeOffset Time, IReadOnlyList<TelemetryAttribute> Attributes);
