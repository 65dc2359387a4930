namespace Microsoft.Extensions.Hosting;

/// <summary>
/// The prefix under which the platform's own spans and metrics are published; every
/// <see cref="System.Diagnostics.ActivitySource"/> and <see cref="System.Diagnostics.Metrics.Meter"/>
/// named <c>TenantPlatform.*</c> is collected by the service defaults.
/// </summary>
public static class TelemetryNames
{
    /// <summary>The wildcard that matches every platform source and meter.</summary>
    public const string Wildcard = "TenantPlatform.*";
}
