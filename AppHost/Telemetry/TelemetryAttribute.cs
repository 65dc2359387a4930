namespace AppHost.Telemetry;

/// One attribute of a span, event, log record or data point, its value already rendered as text.
internal sealed record TelemetryAttribute(string Key, string Value);
