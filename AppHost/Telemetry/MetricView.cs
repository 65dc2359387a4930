namespace AppHost.Telemetry;

/// An instrument as the metrics view shows it: its current value, its series and a chart of recent history.
internal sealed record MetricView(
    string Service,
    string Scope,
    string Name,
    string Description,
    string Unit,
    MetricKind Kind,
    double Value,
    ulong? Count,
    double? Mean,
    string ChartLabel,
    IReadOnlyList<ChartPoint> Chart,
    IReadOnlyList<MetricSeriesView> Series,
    DateTimeOffset Updated)
{
    private const int MaxSeriesShown = 20;

    public static MetricView From(MetricInstrument instrument)
    {
        var latest = instrument.History.LastOrDefault();
        var isHistogram = instrument.Kind == MetricKind.Histogram;
        return new MetricView(
            instrument.Service,
            instrument.Scope,
            instrument.Name,
            instrument.Description,
            instrument.Unit,
            instrument.Kind,
            isHistogram ? latest.Sum : latest.Value,
            isHistogram ? latest.Count : null,
            isHistogram && latest.Count > 0 ? latest.Sum / latest.Count : null,
            ChartLabelOf(instrument),
            ChartOf(instrument),
            instrument.Series
                .OrderByDescending(series => isHistogram ? series.Count : Math.Abs(series.Value))
                .Take(MaxSeriesShown)
                .Select(series => new MetricSeriesView(series.Instance, series.Attributes, series.Value, isHistogram ? series.Count : null, isHistogram && series.Count > 0 ? series.Sum / series.Count : null, series.Max))
                .ToArray(),
            instrument.Updated);
    }

    private static string ChartLabelOf(MetricInstrument instrument) => instrument.Kind switch
    {
        MetricKind.Counter => "rate per second",
        MetricKind.Histogram => "mean per interval",
        _ => "value",
    };

    /// Counters as a rate and histograms as the mean of each interval: cumulative totals would only ever climb.
    private static IReadOnlyList<ChartPoint> ChartOf(MetricInstrument instrument)
    {
        var samples = instrument.History.ToArray();
        var points = new List<ChartPoint>(samples.Length);
        for (var index = 0; index < samples.Length; index++)
        {
            var sample = samples[index];
            if (instrument.Kind is MetricKind.Gauge or MetricKind.UpDownCounter)
            {
                points.Add(new ChartPoint(sample.Time, sample.Value));
                continue;
            }

            if (index == 0)
            {
                continue;
            }

            var previous = samples[index - 1];
            if (instrument.Kind == MetricKind.Counter)
            {
                var seconds = (sample.Time - previous.Time).TotalSeconds;
                points.Add(new ChartPoint(sample.Time, seconds > 0 ? Math.Max(0, sample.Value - previous.Value) / seconds : 0));
            }
            else if (sample.Count > previous.Count)
            {
                // An interval without measurements has no mean; it is left out rather than drawn as zero.
                points.Add(new ChartPoint(sample.Time, (sample.Sum - previous.Sum) / (sample.Count - previous.Count)));
            }
        }

        return points;
    }
}
