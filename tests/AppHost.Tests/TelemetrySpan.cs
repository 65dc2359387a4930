namespace AppHost.Tests;

/// <summary>One span as the dashboard's telemetry API returns it (OTLP JSON), with the service that sent it.</summary>
internal sealed record TelemetrySpan(
    string Service, string Scope, string Name, string TraceId, string SpanId, string? ParentSpanId, int Kind, IReadOnlyDictionary<string, string> Attributes)
{
    public const int ServerKind = 2;
    public const int ClientKind = 3;

    public string? Attribute(string key) => Attributes.GetValueOrDefault(key);

    public override string ToString() => $"{Service} | {Scope} | {Name} (kind {Kind}, span {SpanId}, parent {ParentSpanId ?? "none"})";
}
