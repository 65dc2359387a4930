namespace AppHost.Telemetry;

/// Every instrument's latest values and recent history, keyed by service, meter and instrument name.
internal sealed class MetricStore(TimeProvider time, int maxInstruments = MetricStore.DefaultMaxInstruments)
{
    public const int DefaultMaxInstruments = 2_000;

    private readonly Dictionary<(string Service, string Scope, string Name), MetricInstrument> _instruments = [];
    private readonly Lock _gate = new();

    public void Add(IEnumerable<MetricUpdate> updates)
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            foreach (var update in updates)
            {
                var key = (update.Source.Service, update.Scope, update.Name);
                if (!_instruments.TryGetValue(key, out var instrument))
                {
                    if (_instruments.Count >= maxInstruments)
                    {
                        continue;
                    }

                    instrument = new MetricInstrument(update.Source.Service, update.Scope, update.Name, update.Kind);
                    _instruments.Add(key, instrument);
                }

                instrument.Apply(update, now);
            }
        }
    }

    public IReadOnlyList<MetricView> Query(string? service)
    {
        lock (_gate)
        {
            return _instruments.Values
                .Where(instrument => string.IsNullOrEmpty(service) || instrument.Service == service)
                .OrderBy(instrument => instrument.Service, StringComparer.Ordinal)
                .ThenBy(instrument => instrument.Scope, StringComparer.Ordinal)
                .ThenBy(instrument => instrument.Name, StringComparer.Ordinal)
                .Select(MetricView.From)
                .ToArray();
        }
    }

    public IReadOnlyList<string> Services()
    {
        lock (_gate)
        {
            return _instruments.Keys.Select(key => key.Service).Distinct().Order(StringComparer.Ordinal).ToArray();
        }
    }
}
