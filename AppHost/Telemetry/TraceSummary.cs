using System.Text.Json.Serialization;

namespace AppHost.Telemetry;

/// One row of the traces list.
internal sealed record TraceSummary(
    string TraceId,
    string RootService,
    string RootName,
    DateTimeOffset Start,
    [property: JsonIgnore] TimeSpan Duration,
    int SpanCount,
    int ErrorCount,
    IReadOnlyList<string> Services,
    IReadOnlyList<string> Tenants)
{
    public double DurationMs => Duration.TotalMilliseconds;
}
