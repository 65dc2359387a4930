namespace AppHost.Telemetry;

/// The latest value of one attribute set from one instance; delta exports are summed into it.
internal sealed class MetricSeries(string instance, string attributes)
{
    public string Instance { get; } = instance;

    public string Attributes { get; } = attributes;

    public double Value { get; private set; }

    public ulong Count { get; private set; }

    public double Sum { get; private set; }

    public double? Max { get; private set; }

    public void Apply(MetricPoint point, bool isDelta)
    {
        Value = isDelta ? Value + point.Value : point.Value;
        Count = isDelta ? Count + point.Count : point.Count;
        Sum = isDelta ? Sum + point.Sum : point.Sum;
        Max = point.Max is { } max && (!isDelta || Max is null || max > Max) ? max : Max;
    }
}
