namespace AppHost.Telemetry;

internal readonly record struct ChartPoint(DateTimeOffset Time, double Value);
