namespace Microsoft.Extensions.Hosting;

/// <summary>How many traces each service instance records (<c>TRACES_PER_SECOND</c>).</summary>
public sealed record TracingOptions
{
    /// <summary>
    /// Above what a person clicking through the system produces, far below a load test: the Aspire dashboard spends about
    /// a millisecond of CPU ingesting each trace, on the same cores as the services.
    /// </summary>
    public const int DefaultTracesPerSecond = 10;

    /// <summary>New traces recorded per second (<c>TRACES_PER_SECOND</c>); 0 records every trace.</summary>
    public int TracesPerSecond { get; init; } = DefaultTracesPerSecond;

    internal static TracingOptions Read(SettingsReader settings) => new()
    {
        TracesPerSecond = settings.Number("TRACES_PER_SECOND", DefaultTracesPerSecond, minimum: 0),
    };
}
