using Microsoft.Extensions.Hosting;

namespace AppHost.Telemetry;

/// No Ctrl+C handling: the AppHost owns the signals and stops its embedded servers after the resources.
internal sealed class EmbeddedHostLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
