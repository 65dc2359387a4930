namespace AppHost.Hosting;

/// A supervised process: restarted with backoff when it exits unexpectedly after it has been healthy.
internal sealed class ProcessInstance(string name, Resource resource, string kind, ProcessSpec spec, IHealthProbe probe, IReadOnlyList<string> endpoints, HostContext context)
    : ResourceInstance(name, resource, context)
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    private ProcessRunner? _runner;
    private Task _supervision = Task.CompletedTask;
    private Task _polling = Task.CompletedTask;

    public override string Kind { get; } = kind;

    public override IReadOnlyList<string> Endpoints { get; } = endpoints;

    protected override int? ProcessId => Volatile.Read(ref _runner) is { Exited.IsCompleted: false } runner ? runner.ProcessId : null;

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        Launch();
        _supervision = SuperviseAsync();
        _polling = PollHealthAsync(probe);
        return Task.CompletedTask;
    }

    private void Launch()
    {
        State = ResourceState.Starting;
        var runner = ProcessRunner.Start(spec, Log);
        Context.Watchdog?.Track(runner.ProcessId);
        Volatile.Write(ref _runner, runner);
        StartedAt = Context.Time.GetUtcNow();
        State = ResourceState.Running;
    }

    private async Task SuperviseAsync()
    {
        var consecutiveFailures = 0;
        while (true)
        {
            var runner = _runner!;
            var exitCode = await runner.Exited.ConfigureAwait(false);
            Context.Watchdog?.Untrack(runner.ProcessId);
            if (Stopping.IsCancellationRequested)
            {
                return;
            }

            MarkUnhealthy($"process {runner.ProcessId} exited with code {exitCode}");
            if (!HasBeenHealthy)
            {
                // A process that never got healthy will most likely fail again: report it rather than loop.
                Fail(new DistributedApplicationException($"{Name}: exited with code {exitCode} before it became healthy.{Log.FormatTail()}"));
                return;
            }

            var delay = TimeSpan.FromSeconds(Math.Min(MaxBackoff.TotalSeconds, Math.Pow(2, consecutiveFailures)));
            consecutiveFailures++;
            Restarts++;
            State = ResourceState.Restarting;
            Log.Append($"[apphost] exited unexpectedly with code {exitCode}; restarting in {delay.TotalSeconds:0} s (restart {Restarts})");
            try
            {
                await Task.Delay(delay, Context.Time, Stopping.Token).ConfigureAwait(false);
                runner.Dispose();
                Launch();
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (DistributedApplicationException ex)
            {
                Fail(ex);
                return;
            }
        }
    }

    public override async Task StopAsync(TimeSpan grace)
    {
        await Stopping.CancelAsync().ConfigureAwait(false);
        State = ResourceState.Stopping;
        if (_runner is { } runner)
        {
            await runner.StopAsync(grace).ConfigureAwait(false);
            Context.Watchdog?.Untrack(runner.ProcessId);
        }

        await Task.WhenAll(_supervision, _polling).ConfigureAwait(false);
        _runner?.Dispose();
        State = ResourceState.Stopped;
    }
}
