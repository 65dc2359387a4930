namespace AppHost.Telemetry;

/// An instrument's totals over all its series right after an export: the history the charts draw.
internal readonly record struct MetricSample(DateTimeOffset Time, double Value, ulong Count, double Sum);
