using AppHost.Telemetry.Otlp.Collector.Logs;
using AppHost.Telemetry.Otlp.Collector.Metrics;
using AppHost.Telemetry.Otlp.Collector.Trace;
using AppHost.Telemetry.Otlp.Logs;
using AppHost.Telemetry.Otlp.Metrics;
using AppHost.Telemetry.Otlp.Trace;

namespace AppHost.Telemetry;

/// Decodes OTLP export requests into store records; shared by the gRPC and the HTTP receivers.
internal sealed class OtlpImporter(TelemetryStores stores)
{
    public void Import(ExportTraceServiceRequest request) =>
        stores.Traces.Add(
            from resourceSpans in request.ResourceSpans
            let source = OtlpValues.Source(resourceSpans.Resource)
            from scopeSpans in resourceSpans.ScopeSpans
            from span in scopeSpans.Spans
            select ToRecord(span, source, scopeSpans.Scope?.Name ?? ""));

    public void Import(ExportLogsServiceRequest request) =>
        stores.Logs.Add(
            from resourceLogs in request.ResourceLogs
            let source = OtlpValues.Source(resourceLogs.Resource)
            from scopeLogs in resourceLogs.ScopeLogs
            from record in scopeLogs.LogRecords
            select ToEntry(record, source, scopeLogs.Scope?.Name ?? ""));

    public void Import(ExportMetricsServiceRequest request) =>
        stores.Metrics.Add(
            from resourceMetrics in request.ResourceMetrics
            let source = OtlpValues.Source(resourceMetrics.Resource)
            from scopeMetrics in resourceMetrics.ScopeMetrics
            from metric in scopeMetrics.Metrics
            let update = ToUpdate(metric, source, scopeMetrics.Scope?.Name ?? "")
            where update is not null
            select update);

    private static SpanRecord ToRecord(Span span, TelemetrySource source, string scope) => new()
    {
        TraceId = OtlpValues.Id(span.TraceId),
        SpanId = OtlpValues.Id(span.SpanId),
        ParentSpanId = OtlpValues.Id(span.ParentSpanId),
        Source = source,
        Scope = scope,
        Name = span.Name,
        Kind = span.Kind switch
        {
            Span.Types.SpanKind.Server => "Server",
            Span.Types.SpanKind.Client => "Client",
            Span.Types.SpanKind.Producer => "Producer",
            Span.Types.SpanKind.Consumer => "Consumer",
            _ => "Internal",
        },
        Start = OtlpValues.Time(span.StartTimeUnixNano),
        End = OtlpValues.Time(Math.Max(span.StartTimeUnixNano, span.EndTimeUnixNano)),
        IsError = span.Status?.Code == Status.Types.StatusCode.Error,
        StatusMessage = span.Status?.Message ?? "",
        Attributes = OtlpValues.Attributes(span.Attributes),
        Events = span.Events.Select(e => new SpanEventRecord(e.Name, OtlpValues.Time(e.TimeUnixNano), OtlpValues.Attributes(e.Attributes))).ToArray(),
    };

    private LogEntry ToEntry(LogRecord record, TelemetrySource source, string scope) => new()
    {
        Sequence = stores.Logs.NextSequence(),
        Time = OtlpValues.Time(record.TimeUnixNano != 0 ? record.TimeUnixNano : record.ObservedTimeUnixNano),
        Level = LevelOf((int)record.SeverityNumber),
        Source = source,
        Category = scope,
        Message = OtlpValues.Text(record.Body),
        TraceId = OtlpValues.Id(record.TraceId),
        SpanId = OtlpValues.Id(record.SpanId),
        Attributes = OtlpValues.Attributes(record.Attributes),
    };

    /// OTLP severity numbers come in bands of four per level; 0 (unspecified) reads as information.
    private static LogLevelName LevelOf(int severity) => severity switch
    {
        >= 1 and <= 4 => LogLevelName.Trace,
        >= 5 and <= 8 => LogLevelName.Debug,
        >= 13 and <= 16 => LogLevelName.Warning,
        >= 17 and <= 20 => LogLevelName.Error,
        >= 21 => LogLevelName.Critical,
        _ => LogLevelName.Information,
    };

    private static MetricUpdate? ToUpdate(Metric metric, TelemetrySource source, string scope)
    {
        (MetricKind Kind, bool IsDelta, IReadOnlyList<MetricPoint> Points)? data = metric.DataCase switch
        {
            Metric.DataOneofCase.Gauge => (MetricKind.Gauge, false, metric.Gauge.DataPoints.Select(ToPoint).ToArray()),
            Metric.DataOneofCase.Sum => (
                metric.Sum.IsMonotonic ? MetricKind.Counter : MetricKind.UpDownCounter,
                metric.Sum.AggregationTemporality == AggregationTemporality.Delta,
                metric.Sum.DataPoints.Select(ToPoint).ToArray()),
            Metric.DataOneofCase.Histogram => (
                MetricKind.Histogram,
                metric.Histogram.AggregationTemporality == AggregationTemporality.Delta,
                metric.Histogram.DataPoints.Select(ToPoint).ToArray()),
            // Exponential histograms and summaries are not decoded (see metrics.proto).
            _ => null,
        };

        return data is { } known
            ? new MetricUpdate(source, scope, metric.Name, metric.Description, metric.Unit, known.Kind, known.IsDelta, known.Points)
            : null;
    }

    private static MetricPoint ToPoint(NumberDataPoint point) =>
        new(AttributeKey(point.Attributes), point.ValueCase == NumberDataPoint.ValueOneofCase.AsInt ? point.AsInt : point.AsDouble);

    private static MetricPoint ToPoint(HistogramDataPoint point) =>
        new(AttributeKey(point.Attributes), point.HasSum ? point.Sum : 0, point.Count, point.HasSum ? point.Sum : 0, point.HasMax ? point.Max : null);

    private static string AttributeKey(Google.Protobuf.Collections.RepeatedField<Otlp.Common.KeyValue> attributes) =>
        string.Join(", ", OtlpValues.Attributes(attributes).OrderBy(attribute => attribute.Key, StringComparer.Ordinal).Select(attribute => $"{attribute.Key}={attribute.Value}"));
}
