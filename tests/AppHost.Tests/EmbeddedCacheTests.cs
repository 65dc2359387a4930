using Microsoft.Extensions.Configuration;
using StackExchange.Redis;

namespace AppHost.Tests;

public sealed class EmbeddedCacheTests
{
    [Fact]
    public async Task MissingRedisServerFallsBackToTheEmbeddedServer()
    {
        var dataDirectory = Directory.CreateTempSubdirectory("embedded-cache-").FullName;
        var context = new HostContext { DataDirectory = dataDirectory, Echo = null };
        var cache = CacheLauncher.Create(new RedisResource("cache"), new ConfigurationBuilder().Build(), context, findOnPath: _ => null);
        try
        {
            await cache.StartAsync(CancellationToken.None);
            await cache.WaitHealthyAsync(CancellationToken.None);

            Assert.IsType<EmbeddedRedisInstance>(cache);
            await using var connection = await ConnectionMultiplexer.ConnectAsync(cache.Endpoints[0]);
            var database = connection.GetDatabase();
            await database.StringSetAsync("embedded", "yes");
            Assert.Equal("yes", (string?)await database.StringGetAsync("embedded"));
            Assert.Equal(ResourceHealth.Healthy, cache.Snapshot().Health);
        }
        finally
        {
            await cache.StopAsync(TimeSpan.FromSeconds(5));
            Directory.Delete(dataDirectory, recursive: true);
        }
    }

    [Fact]
    public void RedisUrlIsUsedInsteadOfStartingAServer()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection([new("REDIS_URL", "10.1.2.3:6380")]).Build();
        var context = new HostContext { DataDirectory = Path.GetTempPath(), Echo = null };

        var cache = CacheLauncher.Create(new RedisResource("cache"), configuration, context);

        Assert.IsType<ExternalRedisInstance>(cache);
        Assert.Equal(["10.1.2.3:6380"], cache.Endpoints);
    }
}
