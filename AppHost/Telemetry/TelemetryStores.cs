namespace AppHost.Telemetry;

/// Everything the OTLP receiver has kept, bounded, for the dashboard to read.
internal sealed class TelemetryStores(TimeProvider time)
{
    public TraceStore Traces { get; } = new();

    public LogStore Logs { get; } = new();

    public MetricStore Metrics { get; } = new(time);

    /// Every service that has sent anything, for the views' service filters.
    public IReadOnlyList<string> Services() =>
        Traces.Services().Concat(Logs.Services()).Concat(Metrics.Services()).Distinct().Order(StringComparer.Ordinal).ToArray();
}
