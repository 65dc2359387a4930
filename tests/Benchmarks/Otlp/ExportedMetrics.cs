using Benchmarks.Otlp.Collector.Metrics;
using Benchmarks.Otlp.Common;
using Benchmarks.Otlp.Metrics;

namespace Benchmarks.Otlp;

/// <summary>
/// The latest value of every gauge and sum each service exported, summed over its series (attribute sets); delta sums
/// are added up. Histograms are not kept: no benchmark reads them.
/// </summary>
internal sealed class ExportedMetrics(TimeProvider time)
{
    private const string ServiceNameKey = "service.name";

    private readonly Dictionary<(string Service, string Name), Instrument> _instruments = [];
    private readonly Lock _gate = new();

    public void Add(ExportMetricsServiceRequest request)
    {
        var received = time.GetUtcNow();
        lock (_gate)
        {
            foreach (var resourceMetrics in request.ResourceMetrics)
            {
                var service = resourceMetrics.Resource?.Attributes.FirstOrDefault(attribute => attribute.Key == ServiceNameKey)?.Value?.StringValue ?? "";
                foreach (var metric in resourceMetrics.ScopeMetrics.SelectMany(scope => scope.Metrics))
                {
                    var (points, isDelta) = metric.DataCase switch
                    {
                        Metric.DataOneofCase.Gauge => (metric.Gauge.DataPoints, false),
                        Metric.DataOneofCase.Sum => (metric.Sum.DataPoints, metric.Sum.AggregationTemporality == AggregationTemporality.Delta),
                        _ => (null, false),
                    };
                    if (points is null)
                    {
                        continue;
                    }

                    if (!_instruments.TryGetValue((service, metric.Name), out var instrument))
                    {
                        instrument = new Instrument();
                        _instruments.Add((service, metric.Name), instrument);
                    }

                    instrument.Apply(points, isDelta, received);
                }
            }
        }
    }

    /// <summary>Drops everything received so far: a restarted service's series must not add to its predecessor's.</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _instruments.Clear();
        }
    }

    /// <summary>
    /// The instrument's value summed over its series (only those with an attribute value containing <paramref name="attribute"/>, if given)
    /// and when it was last received; null if never exported.
    /// </summary>
    public (double Value, DateTimeOffset Received)? Find(string service, string name, string? attribute = null)
    {
        lock (_gate)
        {
            return _instruments.TryGetValue((service, name), out var instrument)
                ? (instrument.Series.Where(series => attribute is null || series.Key.Contains(attribute, StringComparison.Ordinal)).Sum(series => series.Value), instrument.Received)
                : null;
        }
    }

    private sealed class Instrument
    {
        public Dictionary<string, double> Series { get; } = [];

        public DateTimeOffset Received { get; private set; }

        public void Apply(IEnumerable<NumberDataPoint> points, bool isDelta, DateTimeOffset received)
        {
            foreach (var point in points)
            {
                var key = string.Join(',', point.Attributes.Select(Text).Order(StringComparer.Ordinal));
                var value = point.ValueCase == NumberDataPoint.ValueOneofCase.AsInt ? point.AsInt : point.AsDouble;
                Series[key] = isDelta ? Series.GetValueOrDefault(key) + value : value;
            }

            Received = received;
        }

        private static string Text(KeyValue attribute) => $"{attribute.Key}={attribute.Value}";
    }
}
