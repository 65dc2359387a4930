using AppHost.Platform;

namespace AppHost.Cache;

internal static class CacheResources
{
    /// <summary>
    /// The Redis every service shares, always named <paramref name="name"/>: the server <c>REDIS_URL</c> names; else one
    /// the AppHost starts (<see cref="AddStartedCache"/>). The AppHost logs which one at start.
    /// </summary>
    public static IResourceBuilder<IResourceWithConnectionString> AddCache(this IDistributedApplicationBuilder builder, string name)
    {
        var configuration = builder.Configuration;
        if (configuration["REDIS_URL"] is not { Length: > 0 } url)
        {
            return builder.AddStartedCache(name, PlatformSettings.DataDirectory(configuration));
        }

        var external = builder.AddExternalRedis(name, url);
        builder.Services.AddSingleton(new CacheChoice(name, $"the Redis at REDIS_URL {url}"));
        return external;
    }

    /// <summary>
    /// A Redis the AppHost starts, never the one <c>REDIS_URL</c> names: Aspire's Redis container where a container runtime
    /// answers; else <c>redis-server</c> from PATH; else the embedded Garnet server; run in <c>{dataDirectory}/redis</c>.
    /// </summary>
    public static IResourceBuilder<IResourceWithConnectionString> AddStartedCache(this IDistributedApplicationBuilder builder, string name, string dataDirectory)
    {
        var (cache, description) = ContainerRuntime.Answers(builder.Configuration)
            ? (builder.AddRedis(name), "Redis in a container (Aspire.Hosting.Redis)")
            : Executables.FindOnPath("redis-server") is { } redisServer
                ? (builder.AddRedisServer(name, dataDirectory, redisServer, ["--save", "", "--appendonly", "no"]), redisServer)
                : (builder.AddRedisServer(name, dataDirectory, BuildOutput.DotnetHost(), [BuildOutput.Assembly(name, new Projects.EmbeddedRedis()), "--index", "16m", "--memory", "256m", "--lua", "true", "-q"]),
                    "the embedded Garnet server (no redis-server on PATH and no container runtime)");
        builder.Services.AddSingleton(new CacheChoice(name, description));
        return cache;
    }

    private static IResourceBuilder<IResourceWithConnectionString> AddExternalRedis(this IDistributedApplicationBuilder builder, string name, string url)
    {
        var separator = url.LastIndexOf(':');
        if (separator <= 0 || !int.TryParse(url[(separator + 1)..], out var port) || port is <= 0 or > 65535)
        {
            throw new DistributedApplicationException($"{name}: REDIS_URL '{url}' is not host:port; set it like REDIS_URL=127.0.0.1:6379.");
        }

        return builder.AddConnectionString(name, "REDIS_URL");
    }

    private static IResourceBuilder<IResourceWithConnectionString> AddRedisServer(
        this IDistributedApplicationBuilder builder, string name, string dataDirectory, string command, string[] arguments)
    {
        var port = LoopbackPorts.GetFree();
        var directory = Directory.CreateDirectory(Path.Combine(dataDirectory, "redis")).FullName;
        var healthCheck = $"{name}_check";
        builder.Services.AddHealthChecks().AddRedis($"127.0.0.1:{port},abortConnect=false,connectTimeout=1000", name: healthCheck);
        return builder.AddResource(new RedisServerResource(name, command, directory))
            .WithArgs(arguments)
            .WithArgs("--bind", "127.0.0.1", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .WithEndpoint(port: port, name: RedisServerResource.EndpointName, scheme: "tcp", isProxied: false)
            .WithHealthCheck(healthCheck);
    }
}
