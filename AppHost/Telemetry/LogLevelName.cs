namespace AppHost.Telemetry;

/// The levels people filter by, from OTLP's severity numbers (1-4 trace, 5-8 debug, ... 21-24 fatal).
internal enum LogLevelName
{
    Trace,
    Debug,
    Information,
    Warning,
    Error,
    Critical,
}
