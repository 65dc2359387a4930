namespace AppHost.Telemetry;

/// The instrument shapes the metrics view tells apart (OTLP gauge, monotonic sum, non-monotonic sum, histogram).
internal enum MetricKind
{
    Gauge,
    Counter,
    UpDownCounter,
    Histogram,
}
