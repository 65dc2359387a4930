namespace AppHost.Telemetry;

/// One series of an instrument: where it came from, its attributes and its latest value.
internal sealed record MetricSeriesView(string Instance, string Attributes, double Value, ulong? Count, double? Mean, double? Max);
