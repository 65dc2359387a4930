namespace AppHost.Hosting;

/// What every resource instance needs from the host: where data lives, where output goes, time, the watchdog.
internal sealed record HostContext
{
    public required string DataDirectory { get; init; }

    /// Where resource console lines are echoed; null keeps them only in memory.
    public TextWriter? Echo { get; init; } = Console.Out;

    public TimeProvider Time { get; init; } = TimeProvider.System;

    public Watchdog? Watchdog { get; init; }

    public TimeSpan HealthTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// The dashboard's OTLP endpoint; null until the dashboard exists, and then nothing is exported.
    public Uri? OtlpEndpoint { get; init; }

    public string? OtlpApiKey { get; init; }

    public Uri? DashboardUrl { get; init; }
}
