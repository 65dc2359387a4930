namespace Microsoft.Extensions.Hosting;

/// <summary>The names under which the platform's own spans and metrics are published.</summary>
public static class TelemetryNames
{
    /// <summary>The <see cref="System.Diagnostics.ActivitySource"/> name shared by the platform's code.</summary>
    public const string ActivitySource = "TenantPlatform";

    /// <summary>The <see cref="System.Diagnostics.Metrics.Meter"/> name shared by the platform's code.</summary>
    public const string Meter = "TenantPlatform";
}
