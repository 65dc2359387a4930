namespace AppHost.Hosting;

/// One running thing of a resource (a replica, or the cache): its state, health, and health polling.
internal abstract class ResourceInstance
{
    private static readonly TimeSpan UnhealthyPollInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan HealthyPollInterval = TimeSpan.FromSeconds(5);

    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _gate = new();
    private ResourceState _state = ResourceState.Waiting;
    private ResourceHealth _health = ResourceHealth.Unknown;
    private string? _healthError;

    protected ResourceInstance(string name, Resource resource, HostContext context)
    {
        Name = name;
        Resource = resource;
        Context = context;
        Log = new ResourceLog(name, context.Echo);
    }

    public string Name { get; }

    public Resource Resource { get; }

    public ResourceLog Log { get; }

    public abstract string Kind { get; }

    public abstract IReadOnlyList<string> Endpoints { get; }

    protected HostContext Context { get; }

    protected CancellationTokenSource Stopping { get; } = new();

    protected virtual int? ProcessId => null;

    protected DateTimeOffset? StartedAt { get; set; }

    protected int Restarts { get; set; }

    /// Whether the instance has been healthy at least once.
    protected bool HasBeenHealthy => _ready.Task.IsCompletedSuccessfully;

    public abstract Task StartAsync(CancellationToken cancellationToken);

    public abstract Task StopAsync(TimeSpan grace);

    /// Marks the instance as stopping so an exit from now on is not restarted (Ctrl+C reaches the whole process group).
    public void RequestStop() => Stopping.Cancel();

    /// Waits for the first healthy check; fails with the resource, its last health error and console lines.
    public async Task WaitHealthyAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _ready.Task.WaitAsync(Context.HealthTimeout, Context.Time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            string? error;
            lock (_gate)
            {
                error = _healthError;
            }

            throw new DistributedApplicationException(
                $"{Name}: not healthy within {Context.HealthTimeout.TotalSeconds:0} s; last health check: {error ?? "none completed"}.{Log.FormatTail()}");
        }
    }

    public ResourceSnapshot Snapshot()
    {
        lock (_gate)
        {
            return new ResourceSnapshot
            {
                Name = Name,
                ResourceName = Resource.Name,
                Kind = Kind,
                State = _state,
                Health = _health,
                HealthError = _healthError,
                Endpoints = Endpoints,
                ProcessId = ProcessId,
                StartedAt = StartedAt,
                Restarts = Restarts,
            };
        }
    }

    protected ResourceState State
    {
        get { lock (_gate) { return _state; } }
        set { lock (_gate) { _state = value; } }
    }

    protected void MarkUnhealthy(string error)
    {
        lock (_gate)
        {
            _health = ResourceHealth.Unhealthy;
            _healthError = error;
        }
    }

    protected void Fail(Exception error)
    {
        State = ResourceState.Failed;
        _ready.TrySetException(error);
    }

    /// Polls every second while unhealthy, less often once healthy, until the instance stops.
    protected async Task PollHealthAsync(IHealthProbe probe)
    {
        var token = Stopping.Token;
        while (!token.IsCancellationRequested)
        {
            var healthy = false;
            if (State == ResourceState.Running)
            {
                try
                {
                    var result = await probe.CheckAsync(token).ConfigureAwait(false);
                    healthy = result.IsHealthy;
                    lock (_gate)
                    {
                        _health = healthy ? ResourceHealth.Healthy : ResourceHealth.Unhealthy;
                        _healthError = result.Error;
                    }
                }
                catch (OperationCanceledException) when (token.IsCancellationRequested)
                {
                    return;
                }

                if (healthy)
                {
                    _ready.TrySetResult();
                }
            }

            try
            {
                await Task.Delay(healthy ? HealthyPollInterval : UnhealthyPollInterval, Context.Time, token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
