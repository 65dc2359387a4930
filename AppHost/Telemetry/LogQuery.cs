namespace AppHost.Telemetry;

/// The structured logs view's filters; each one left empty matches everything.
internal sealed record LogQuery
{
    public string? Service { get; init; }

    /// The lowest level shown.
    public LogLevelName MinimumLevel { get; init; } = LogLevelName.Trace;

    public string? TraceId { get; init; }

    /// Matched, ignoring case, against the message, the category and attribute values.
    public string? Text { get; init; }

    public int Limit { get; init; } = 500;

    public bool Matches(LogEntry entry) =>
        entry.Level >= MinimumLevel
        && (string.IsNullOrEmpty(Service) || entry.Source.Service == Service)
        && (string.IsNullOrEmpty(TraceId) || entry.TraceId == TraceId)
        && (string.IsNullOrEmpty(Text) || MatchesText(entry, Text));

    private static bool MatchesText(LogEntry entry, string text) =>
        entry.Message.Contains(text, StringComparison.OrdinalIgnoreCase)
        || entry.Category.Contains(text, StringComparison.OrdinalIgnoreCase)
        || entry.Attributes.Any(attribute => attribute.Value.Contains(text, StringComparison.OrdinalIgnoreCase));
}
