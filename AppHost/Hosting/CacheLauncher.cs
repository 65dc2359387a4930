using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace AppHost.Hosting;

/// Chooses how the cache runs: the user's REDIS_URL, else redis-server from PATH, else embedded Garnet.
internal static class CacheLauncher
{
    public static ResourceInstance Create(RedisResource resource, IConfiguration configuration, HostContext context, Func<string, string?>? findOnPath = null)
    {
        findOnPath ??= FindOnPath;
        if (configuration["REDIS_URL"] is { Length: > 0 } url)
        {
            var (host, externalPort) = ParseHostPort(resource.Name, url);
            return new ExternalRedisInstance(resource, host, externalPort, context);
        }

        var port = LoopbackPorts.GetFree();
        if (findOnPath("redis-server") is { } redisServer)
        {
            var directory = Path.Combine(context.DataDirectory, "redis");
            Directory.CreateDirectory(directory);
            var spec = new ProcessSpec(
                redisServer,
                ["--bind", "127.0.0.1", "--port", port.ToString(CultureInfo.InvariantCulture), "--dir", directory, "--save", "", "--appendonly", "no"],
                directory,
                new Dictionary<string, string>());
            return new ProcessInstance(resource.Name, resource, "Redis (redis-server)", spec, new RedisPingProbe("127.0.0.1", port), [$"127.0.0.1:{port}"], context);
        }

        return new EmbeddedRedisInstance(resource, port, context);
    }

    public static string? FindOnPath(string program)
    {
        var names = OperatingSystem.IsWindows() ? new[] { program + ".exe", program } : [program];
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        return path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .SelectMany(directory => names.Select(name => Path.Combine(directory, name)))
            .FirstOrDefault(File.Exists);
    }

    private static (string Host, int Port) ParseHostPort(string name, string url)
    {
        var separator = url.LastIndexOf(':');
        if (separator > 0 && int.TryParse(url[(separator + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and < 65536)
        {
            return (url[..separator], port);
        }

        throw new DistributedApplicationException($"{name}: REDIS_URL '{url}' is not host:port; set it like REDIS_URL=127.0.0.1:6379.");
    }
}
