namespace AppHost.Telemetry;

/// One decoded data point: a number, or a histogram's count and sum.
internal sealed record MetricPoint(string Attributes, double Value, ulong Count = 0, double Sum = 0, double? Max = null);
