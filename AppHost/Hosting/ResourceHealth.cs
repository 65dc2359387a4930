namespace AppHost.Hosting;

public enum ResourceHealth
{
    Unknown,
    Healthy,
    Unhealthy,
}
