namespace AppHost.Telemetry;

/// The traces list's filters; each one left empty matches everything.
internal sealed record TraceQuery
{
    public string? Service { get; init; }

    public string? Tenant { get; init; }

    /// Matched, ignoring case, against the trace id, span names and attribute values.
    public string? Text { get; init; }

    public bool ErrorsOnly { get; init; }

    public int Limit { get; init; } = 200;

    public bool Matches(TraceEntry trace) =>
        (string.IsNullOrEmpty(Service) || trace.Services.Contains(Service))
        && (string.IsNullOrEmpty(Tenant) || trace.Tenants.Contains(Tenant))
        && (!ErrorsOnly || trace.ErrorCount > 0)
        && (string.IsNullOrEmpty(Text) || MatchesText(trace, Text));

    private static bool MatchesText(TraceEntry trace, string text) =>
        trace.TraceId.Contains(text, StringComparison.OrdinalIgnoreCase)
        || trace.Spans.Any(span =>
            span.Name.Contains(text, StringComparison.OrdinalIgnoreCase)
            || span.Attributes.Any(attribute => attribute.Value.Contains(text, StringComparison.OrdinalIgnoreCase)));
}
