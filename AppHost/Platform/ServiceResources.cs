using System.Globalization;
using AppHost.Secrets;

namespace AppHost.Platform;

/// The platform's services: http on a loopback port of their own, telemetry to the dashboard, healthy when `/health` answers.
internal static class ServiceResources
{
    public static IResourceBuilder<ServiceResource> AddService<TProject>(this IDistributedApplicationBuilder builder, string name, DevSecrets secrets, int? port = null)
        where TProject : IProjectMetadata, new() =>
        builder.AddServiceProcess<TProject>(name, port).WithPlatformSettings(secrets);

    /// A service without the platform's settings and secrets, for a caller that gives it its own (the storage node).
    public static IResourceBuilder<ServiceResource> AddServiceProcess<TProject>(this IDistributedApplicationBuilder builder, string name, int? port = null)
        where TProject : IProjectMetadata, new()
    {
        var project = new TProject();
        var service = builder.AddResource(new ServiceResource(name, BuildOutput.DotnetHost(), Path.GetDirectoryName(project.ProjectPath)!))
            .WithArgs(BuildOutput.Assembly(name, project))
            .WithHttpEndpoint(port: port ?? LoopbackPorts.GetFree(), isProxied: false);
        return service
            .WithEnvironment("ASPNETCORE_URLS", service.GetEndpoint("http"))
            .WithOtlpExporter()
            .WithHttpHealthCheck("/health")
            .WithEnvironment("ASPNETCORE_ENVIRONMENT", "Development")
            // glibc gives busy threads arenas of their own, which fragment as thousands of SQLite connections open and close.
            .WithEnvironment("MALLOC_ARENA_MAX", Environment.GetEnvironmentVariable("MALLOC_ARENA_MAX") ?? "2");
    }

    /// <summary>
    /// Replicas as resources of their own (`todoservice-0`, `todoservice-1`, ...; just `todoservice` when one), each
    /// with its own endpoint: Aspire's replicas share one proxied endpoint, which would hide them from tenant-affinity routing.
    /// </summary>
    public static ServiceReplicas AddReplicas<TProject>(
        this IDistributedApplicationBuilder builder,
        string name,
        int count,
        DevSecrets secrets,
        Func<IResourceBuilder<ServiceResource>, IResourceBuilder<ServiceResource>> configure)
        where TProject : IProjectMetadata, new()
    {
        if (count < 1)
        {
            throw new DistributedApplicationException($"{name.ToUpperInvariant()}_REPLICAS is {count}; set it to 1 or more.");
        }

        var replicas = Enumerable.Range(0, count)
            .Select(index => configure(builder.AddService<TProject>(count == 1 ? name : $"{name}-{index}", secrets)))
            .ToArray();
        return new ServiceReplicas(name, replicas);
    }

    /// Service discovery's configuration shape, one index per replica: `services__todoservice__http__0`, `__1`, ...
    public static IResourceBuilder<ServiceResource> WithReference(this IResourceBuilder<ServiceResource> service, ServiceReplicas replicas)
    {
        for (var index = 0; index < replicas.Replicas.Count; index++)
        {
            service.WithEnvironment($"services__{replicas.Name}__http__{index.ToString(CultureInfo.InvariantCulture)}", replicas.Replicas[index].GetEndpoint("http"));
        }

        return service;
    }

    public static IResourceBuilder<ServiceResource> WaitFor(this IResourceBuilder<ServiceResource> service, ServiceReplicas replicas)
    {
        foreach (var replica in replicas.Replicas)
        {
            service.WaitFor(replica);
        }

        return service;
    }

    /// `GATEWAY_PORT` (default 8080, 0 for a free one); a taken port stops the AppHost before anything starts.
    public static int GatewayPort(this IDistributedApplicationBuilder builder)
    {
        var port = LoopbackPorts.FromSetting(builder.Configuration, "GATEWAY_PORT", 8080);
        if (LoopbackPorts.IsInUse(port))
        {
            throw new DistributedApplicationException($"gateway: port {port} is already in use; set GATEWAY_PORT to another port (0 picks a free one).");
        }

        return port;
    }
}
