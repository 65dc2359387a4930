namespace AppHost.Hosting;

/// Collects the resources of the app; configuration comes from environment variables and `--KEY=value` arguments.
public sealed class DistributedApplicationBuilder
{
    private readonly List<Resource> _resources = [];
    private readonly DateTimeOffset _createdAt = TimeProvider.System.GetUtcNow();

    internal DistributedApplicationBuilder(string[] args)
    {
        Configuration = new ConfigurationBuilder()
            .AddEnvironmentVariables()
            .AddCommandLine(args)
            .Build();
    }

    public IConfiguration Configuration { get; }

    public IResourceBuilder<RedisResource> AddRedis(string name) => Add(new RedisResource(name));

    /// A project by its folder, relative to the AppHost project folder.
    public IResourceBuilder<ProjectResource> AddProject(string name, string projectPath) =>
        Add(new ProjectResource(name, ProjectLocator.ResolveDirectory(projectPath)));

    public DistributedApplication Build() => new(Configuration, _resources.ToArray(), _createdAt);

    private ResourceBuilder<T> Add<T>(T resource) where T : Resource
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(resource.Name);
        if (_resources.Any(existing => string.Equals(existing.Name, resource.Name, StringComparison.OrdinalIgnoreCase)))
        {
            throw new DistributedApplicationException($"{resource.Name}: a resource with this name already exists; resource names must be unique.");
        }

        _resources.Add(resource);
        return new ResourceBuilder<T>(resource, this);
    }
}
