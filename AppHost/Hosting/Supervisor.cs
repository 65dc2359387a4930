using Microsoft.Extensions.Configuration;

namespace AppHost.Hosting;

/// Starts resources as their WaitFor dependencies become healthy, and stops them in reverse order.
internal sealed class Supervisor
{
    private static readonly TimeSpan StopBudget = TimeSpan.FromSeconds(10);

    private readonly IReadOnlyList<Resource> _order;
    private readonly Dictionary<Resource, IReadOnlyList<ResourceInstance>> _instances = [];
    private readonly HostContext _context;

    public Supervisor(IReadOnlyList<Resource> resources, IConfiguration configuration, IReadOnlyDictionary<string, string> settings, HostContext context)
    {
        _context = context;
        _order = StartOrder.Sort(resources);
        var endpoints = new Dictionary<Resource, IReadOnlyList<string>>();
        var ports = new Dictionary<ProjectResource, IReadOnlyList<int>>();
        foreach (var resource in _order)
        {
            switch (resource)
            {
                case RedisResource redis:
                    var cache = CacheLauncher.Create(redis, configuration, context);
                    _instances[redis] = [cache];
                    endpoints[redis] = cache.Endpoints;
                    break;
                case ProjectResource project:
                    ports[project] = ProjectInstanceFactory.AssignPorts(project);
                    endpoints[project] = ports[project].Select(port => $"http://127.0.0.1:{port}").ToArray();
                    break;
            }
        }

        foreach (var (project, projectPorts) in ports)
        {
            _instances[project] = ProjectInstanceFactory.Create(project, projectPorts, endpoints, settings, context).ToArray();
        }
    }

    public IEnumerable<ResourceInstance> Instances => _order.SelectMany(resource => _instances[resource]);

    public IReadOnlyList<ResourceInstance> InstancesOf(Resource resource) => _instances[resource];

    /// Completes when every instance is healthy; throws the first failure, naming its resource.
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var started = new Dictionary<Resource, Task>();
        foreach (var resource in _order)
        {
            var dependencies = resource.WaitsFor.Select(dependency => started[dependency]).ToArray();
            started[resource] = StartResourceAsync(resource, dependencies, failed.Token);
        }

        var pending = started.Values.ToList();
        while (pending.Count > 0)
        {
            var completed = await Task.WhenAny(pending).ConfigureAwait(false);
            pending.Remove(completed);
            if (!completed.IsCompletedSuccessfully)
            {
                await failed.CancelAsync().ConfigureAwait(false);
                await completed.ConfigureAwait(false);
            }
        }
    }

    private async Task StartResourceAsync(Resource resource, Task[] dependencies, CancellationToken cancellationToken)
    {
        await Task.WhenAll(dependencies).WaitAsync(cancellationToken).ConfigureAwait(false);
        foreach (var instance in _instances[resource])
        {
            await instance.StartAsync(cancellationToken).ConfigureAwait(false);
        }

        await Task.WhenAll(_instances[resource].Select(instance => instance.WaitHealthyAsync(cancellationToken))).ConfigureAwait(false);
    }

    /// Dependents first; each step gets what is left of the 10 s budget, then processes are killed.
    public async Task StopAsync()
    {
        var deadline = _context.Time.GetUtcNow() + StopBudget;
        foreach (var instance in Instances)
        {
            instance.RequestStop();
        }

        foreach (var resource in _order.Reverse())
        {
            var left = deadline - _context.Time.GetUtcNow() - TimeSpan.FromSeconds(1);
            var grace = TimeSpan.FromMilliseconds(Math.Clamp(left.TotalMilliseconds, 500, 4000));
            await Task.WhenAll(_instances[resource].Select(instance => instance.StopAsync(grace))).ConfigureAwait(false);
        }
    }
}
