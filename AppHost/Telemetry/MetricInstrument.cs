namespace AppHost.Telemetry;

/// One instrument of one service: its series' latest values and a short history of totals. Guarded by <see cref="MetricStore"/>.
internal sealed class MetricInstrument(string service, string scope, string name, MetricKind kind)
{
    public const int MaxSeries = 200;
    public const int MaxSamples = 240;
    public static readonly TimeSpan HistoryWindow = TimeSpan.FromMinutes(10);

    private readonly Dictionary<(string Instance, string Attributes), MetricSeries> _series = [];
    private readonly Queue<MetricSample> _history = new();

    public string Service { get; } = service;

    public string Scope { get; } = scope;

    public string Name { get; } = name;

    public MetricKind Kind { get; private set; } = kind;

    public string Description { get; private set; } = "";

    public string Unit { get; private set; } = "";

    public DateTimeOffset Updated { get; private set; }

    public IEnumerable<MetricSeries> Series => _series.Values;

    public IReadOnlyCollection<MetricSample> History => _history;

    public void Apply(MetricUpdate update, DateTimeOffset now)
    {
        Kind = update.Kind;
        Description = update.Description;
        Unit = update.Unit;
        Updated = now;
        foreach (var point in update.Points)
        {
            var key = (update.Source.Instance, point.Attributes);
            if (!_series.TryGetValue(key, out var series))
            {
                if (_series.Count >= MaxSeries)
                {
                    // A runaway attribute (a raw URL, an id) must not grow memory without bound.
                    continue;
                }

                series = new MetricSeries(update.Source.Instance, point.Attributes);
                _series.Add(key, series);
            }

            series.Apply(point, update.IsDelta);
        }

        var (value, count, sum) = (0d, 0UL, 0d);
        foreach (var series in _series.Values)
        {
            (value, count, sum) = (value + series.Value, count + series.Count, sum + series.Sum);
        }

        _history.Enqueue(new MetricSample(now, value, count, sum));
        while (_history.Count > MaxSamples || (_history.TryPeek(out var oldest) && now - oldest.Time > HistoryWindow))
        {
            _history.Dequeue();
        }
    }
}
