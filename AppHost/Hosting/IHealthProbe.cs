namespace AppHost.Hosting;

internal interface IHealthProbe
{
    Task<HealthResult> CheckAsync(CancellationToken cancellationToken);
}
