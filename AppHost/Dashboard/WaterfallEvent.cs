using AppHost.Telemetry;

namespace AppHost.Dashboard;

/// A span event placed on the trace's time axis.
internal sealed record WaterfallEvent(string Name, double OffsetMs, IReadOnlyList<TelemetryAttribute> Attributes);
