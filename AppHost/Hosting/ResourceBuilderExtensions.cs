namespace AppHost.Hosting;

public static class ResourceBuilderExtensions
{
    /// Hands the source's address to the project: ConnectionStrings__{name} for Redis, services__{name}__http__{i} for projects.
    public static IResourceBuilder<ProjectResource> WithReference(this IResourceBuilder<ProjectResource> builder, IResourceBuilder<Resource> source)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(source);
        builder.Resource.References.Add(source.Resource);
        return builder;
    }

    /// The project starts only once the dependency is running and healthy.
    public static IResourceBuilder<ProjectResource> WaitFor(this IResourceBuilder<ProjectResource> builder, IResourceBuilder<Resource> dependency)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(dependency);
        builder.Resource.WaitsFor.Add(dependency.Resource);
        return builder;
    }

    public static IResourceBuilder<ProjectResource> WithReplicas(this IResourceBuilder<ProjectResource> builder, int replicas)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentOutOfRangeException.ThrowIfLessThan(replicas, 1);
        builder.Resource.Replicas = replicas;
        return builder;
    }

    /// A fixed port for the project's HTTP endpoint; 0 or null picks a free one.
    public static IResourceBuilder<ProjectResource> WithHttpEndpoint(this IResourceBuilder<ProjectResource> builder, int? port = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (port is < 0 or > 65535)
        {
            throw new ArgumentOutOfRangeException(nameof(port), port, $"{builder.Resource.Name}: the HTTP port must be between 0 and 65535.");
        }

        builder.Resource.HttpPort = port;
        return builder;
    }
}
