using System.Globalization;

namespace AppHost.Hosting;

/// Turns a project resource into one supervised `dotnet {dll}` process per replica, with Aspire's environment variables.
internal static class ProjectInstanceFactory
{
    /// Ports are chosen first so every referencing project learns every replica's address.
    public static IReadOnlyList<int> AssignPorts(ProjectResource project) =>
        Enumerable.Range(0, project.Replicas)
            .Select(_ => project.HttpPort is > 0 and var port ? port : LoopbackPorts.GetFree())
            .ToArray();

    public static IEnumerable<ResourceInstance> Create(
        ProjectResource project,
        IReadOnlyList<int> ports,
        IReadOnlyDictionary<Resource, IReadOnlyList<string>> endpoints,
        IReadOnlyDictionary<string, string> settings,
        HostContext context)
    {
        var assembly = ProjectLocator.OutputAssembly(project.ProjectDirectory);
        for (var replica = 0; replica < ports.Count; replica++)
        {
            var name = project.Replicas == 1 ? project.Name : $"{project.Name}-{replica}";
            var url = $"http://127.0.0.1:{ports[replica].ToString(CultureInfo.InvariantCulture)}";
            var environment = new Dictionary<string, string>(settings)
            {
                ["ASPNETCORE_URLS"] = url,
                ["ASPNETCORE_ENVIRONMENT"] = "Development",
                ["OTEL_SERVICE_NAME"] = project.Name,
                ["OTEL_RESOURCE_ATTRIBUTES"] = $"service.instance.id={name}-{Guid.NewGuid():N}",
                // glibc gives busy threads arenas of their own, which fragment as thousands of SQLite connections open and close.
                ["MALLOC_ARENA_MAX"] = Environment.GetEnvironmentVariable("MALLOC_ARENA_MAX") ?? "2",
            };
            AddTelemetry(environment, context);
            AddReferences(environment, project, endpoints);
            var spec = new ProcessSpec(ProjectLocator.DotnetHost(), [assembly], project.ProjectDirectory, environment);
            yield return new ProcessInstance(name, project, "Project", spec, new HttpHealthProbe(new Uri(url)), [url], context);
        }
    }

    private static void AddTelemetry(Dictionary<string, string> environment, HostContext context)
    {
        if (context.OtlpEndpoint is null)
        {
            return;
        }

        environment["OTEL_EXPORTER_OTLP_ENDPOINT"] = context.OtlpEndpoint.ToString();
        environment["OTEL_EXPORTER_OTLP_PROTOCOL"] = "grpc";
        // As Aspire does for local runs: spans and logs show up within a second, metrics chart every few seconds.
        environment["OTEL_BSP_SCHEDULE_DELAY"] = "1000";
        environment["OTEL_BLRP_SCHEDULE_DELAY"] = "1000";
        environment["OTEL_METRIC_EXPORT_INTERVAL"] = "5000";
        if (context.OtlpApiKey is { } apiKey)
        {
            environment["OTEL_EXPORTER_OTLP_HEADERS"] = $"x-otlp-api-key={apiKey}";
        }
    }

    private static void AddReferences(Dictionary<string, string> environment, ProjectResource project, IReadOnlyDictionary<Resource, IReadOnlyList<string>> endpoints)
    {
        foreach (var reference in project.References.Distinct())
        {
            var addresses = endpoints[reference];
            if (reference is RedisResource)
            {
                environment[$"ConnectionStrings__{reference.Name}"] = addresses[0];
                continue;
            }

            for (var index = 0; index < addresses.Count; index++)
            {
                environment[$"services__{reference.Name}__http__{index.ToString(CultureInfo.InvariantCulture)}"] = addresses[index];
            }
        }
    }
}
