namespace AppHost.Telemetry;

/// One instrument's data points from one export.
internal sealed record MetricUpdate(
    TelemetrySource Source,
    string Scope,
    string Name,
    string Description,
    string Unit,
    MetricKind Kind,
    bool IsDelta,
    IReadOnlyList<MetricPoint> Points);
