namespace AppHost.Hosting;

/// The Redis cache: an external one (REDIS_URL), redis-server, or the embedded Garnet server.
public sealed class RedisResource(string name) : Resource(name);
