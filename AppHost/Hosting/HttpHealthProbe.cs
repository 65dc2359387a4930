using System.Net;

namespace AppHost.Hosting;

/// Healthy when GET /health answers 200.
internal sealed class HttpHealthProbe(Uri baseAddress) : IHealthProbe
{
    // One client for all probes; short-lived pooled connections so a restarted process is reached fresh.
    private static readonly HttpClient Client = new(new SocketsHttpHandler { PooledConnectionIdleTimeout = TimeSpan.FromSeconds(2) })
    {
        Timeout = TimeSpan.FromSeconds(5),
    };

    private readonly Uri _healthUri = new(baseAddress, "/health");

    public async Task<HealthResult> CheckAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var response = await Client.GetAsync(_healthUri, cancellationToken).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                return HealthResult.Healthy;
            }

            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            return HealthResult.Unhealthy($"GET {_healthUri} answered {(int)response.StatusCode}: {Truncate(body)}");
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return HealthResult.Unhealthy($"GET {_healthUri} failed: {ex.Message}");
        }
    }

    private static string Truncate(string text) => text.Length <= 200 ? text : text[..200] + "...";
}
