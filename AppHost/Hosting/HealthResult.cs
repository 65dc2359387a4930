namespace AppHost.Hosting;

internal readonly record struct HealthResult(bool IsHealthy, string? Error)
{
    public static HealthResult Healthy { get; } = new(true, null);

    public static HealthResult Unhealthy(string error) => new(false, error);
}
