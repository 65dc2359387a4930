using AppHost.Hosting;
using Microsoft.Extensions.Configuration;
using StackExchange.Redis;
using Xunit;

namespace Testing;

/// <summary>
/// A real Redis for integration tests, started by the AppHost's own cache code: REDIS_URL when set,
/// else redis-server when installed, else the embedded Garnet server.
/// </summary>
public sealed class RedisFixture : IAsyncLifetime
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "redis-fixture-" + Guid.NewGuid().ToString("N"));
    private ResourceInstance? _cache;
    private Watchdog? _watchdog;
    private ConnectionMultiplexer? _connection;

    /// <summary>host:port of the server.</summary>
    public string ConnectionString { get; private set; } = "";

    /// <summary>A connection with admin commands allowed (FLUSHDB between tests).</summary>
    public IConnectionMultiplexer Connection => _connection ?? throw new InvalidOperationException("RedisFixture is not initialized.");

    /// <summary>Which server runs: redis-server, embedded Garnet or REDIS_URL.</summary>
    public string Kind => _cache?.Kind ?? "";

    public async Task InitializeAsync()
    {
        _watchdog = Watchdog.StartIfSupported();
        var context = new HostContext { DataDirectory = _dataDirectory, Echo = null, Watchdog = _watchdog };
        var configuration = new ConfigurationBuilder().AddEnvironmentVariables().Build();
        _cache = CacheLauncher.Create(new RedisResource("cache"), configuration, context);
        await _cache.StartAsync(CancellationToken.None);
        await _cache.WaitHealthyAsync(CancellationToken.None);
        ConnectionString = _cache.Endpoints[0];
        _connection = await ConnectionMultiplexer.ConnectAsync($"{ConnectionString},allowAdmin=true");
    }

    public async Task DisposeAsync()
    {
        if (_connection is not null)
        {
            await _connection.DisposeAsync();
        }

        if (_cache is not null)
        {
            await _cache.StopAsync(TimeSpan.FromSeconds(5));
        }

        _watchdog?.Dispose();
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
            // Nothing was written.
        }
    }
}
