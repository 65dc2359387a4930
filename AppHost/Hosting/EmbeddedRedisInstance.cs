using System.Globalization;
using Garnet;

namespace AppHost.Hosting;

/// Garnet hosted in the AppHost process: a Redis-compatible server for machines without redis-server.
internal sealed class EmbeddedRedisInstance(RedisResource resource, int port, HostContext context)
    : ResourceInstance(resource.Name, resource, context)
{
    private GarnetServer? _server;
    private Task _polling = Task.CompletedTask;

    public override string Kind => "Redis (embedded Garnet)";

    public override IReadOnlyList<string> Endpoints { get; } = [$"127.0.0.1:{port}"];

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        State = ResourceState.Starting;
        // Garnet's own argument parser fills in the defaults its options object lacks; small index and log for a dev cache.
        string[] arguments =
        [
            "--bind", "127.0.0.1",
            "--port", port.ToString(CultureInfo.InvariantCulture),
            "--index", "16m",
            "--memory", "256m",
            "--lua", "true",
            "-q",
        ];
        try
        {
            _server = new GarnetServer(arguments);
            _server.Start();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            var error = new DistributedApplicationException($"{Name}: the embedded Garnet server did not start on 127.0.0.1:{port}: {ex.Message}", ex);
            Fail(error);
            throw error;
        }

        StartedAt = Context.Time.GetUtcNow();
        Log.Append($"embedded Garnet listening on 127.0.0.1:{port}");
        State = ResourceState.Running;
        _polling = PollHealthAsync(new RedisPingProbe("127.0.0.1", port));
        return Task.CompletedTask;
    }

    public override async Task StopAsync(TimeSpan grace)
    {
        await Stopping.CancelAsync().ConfigureAwait(false);
        State = ResourceState.Stopping;
        await _polling.ConfigureAwait(false);
        _server?.Dispose();
        State = ResourceState.Stopped;
    }
}
