namespace AppHost.Hosting;

/// A Redis the user runs (REDIS_URL): nothing to start or stop, only its health to watch.
internal sealed class ExternalRedisInstance(RedisResource resource, string host, int port, HostContext context)
    : ResourceInstance(resource.Name, resource, context)
{
    private Task _polling = Task.CompletedTask;

    public override string Kind => "Redis (REDIS_URL)";

    public override IReadOnlyList<string> Endpoints { get; } = [$"{host}:{port}"];

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        StartedAt = Context.Time.GetUtcNow();
        State = ResourceState.Running;
        _polling = PollHealthAsync(new RedisPingProbe(host, port));
        return Task.CompletedTask;
    }

    public override async Task StopAsync(TimeSpan grace)
    {
        await Stopping.CancelAsync().ConfigureAwait(false);
        await _polling.ConfigureAwait(false);
        State = ResourceState.Stopped;
    }
}
