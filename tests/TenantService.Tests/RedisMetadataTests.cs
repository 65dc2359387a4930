using System.Diagnostics;
using System.Net;
using StackExchange.Redis;
using Tenancy.Databases;
using Tenancy.Metadata;
using Testing;

namespace TenantService.Tests;

[Collection(TenantServiceCollection.Name)]
public sealed class RedisMetadataTests(RedisFixture redis) : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly string _dataDirectory = TestData.NewDataDirectory();

    public void Dispose() => TestData.DeleteDirectory(_dataDirectory);

    [Fact]
    public async Task CreatesAndDeletesArePublishedToRedis()
    {
        var store = new TenantMetadataStore(redis.Connection);
        var events = new List<TenantEvent>();
        await using var subscription = await store.SubscribeAsync(e =>
        {
            lock (events)
            {
                events.Add(e);
            }

            return Task.CompletedTask;
        });
        await using var app = new TenantServiceApp(_dataDirectory, redis.ConnectionString);
        var api = new PlatformApi(app.Platform());
        var name = DatabaseName.Parse(TestData.UniqueName("published"));

        await api.CreateOkAsync(new { name = name.Value, schema = "todos-schema" });
        var record = await store.GetAsync(name);
        Assert.NotNull(record);
        Assert.Equal(DatabaseKind.Child, record.Kind);
        Assert.Equal("todos-schema", record.Schema);
        Assert.Equal(1, record.Version);

        using (var deleted = await api.DeleteAsync(name.Value))
        {
            Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        }

        Assert.Null(await store.GetAsync(name));
        await Eventually(() =>
        {
            lock (events)
            {
                return Task.FromResult(events.Any(e => e.Name == name && e.Type == TenantEventType.Created)
                    && events.Any(e => e.Name == name && e.Type == TenantEventType.Deleted));
            }
        }, "created and deleted events");
    }

    [Fact]
    public async Task AFlushedRedisIsRefilledFromPlatformDb()
    {
        await using var app = new TenantServiceApp(_dataDirectory, redis.ConnectionString);
        var api = new PlatformApi(app.Platform());
        var names = Enumerable.Range(0, 5).Select(_ => DatabaseName.Parse(TestData.UniqueName("flushed"))).ToList();
        foreach (var name in names)
        {
            await api.CreateOkAsync(new { name = name.Value, schema = "todos-schema" });
        }

        await FlushAllAsync();

        var store = new TenantMetadataStore(redis.Connection);
        await Eventually(async () => (await Task.WhenAll(names.Select(store.GetAsync))).All(record => record is not null), "records after FLUSHALL");
        Assert.NotNull(await store.GetAsync(DatabaseName.Parse("todos-schema")));
    }

    [Fact]
    public async Task AReconnectRepublishesEverything()
    {
        // No periodic probe: only the restored connection can bring the records back.
        await using var app = new TenantServiceApp(_dataDirectory, redis.ConnectionString, new Dictionary<string, string?> { ["METADATA_CHECK_INTERVAL_MS"] = "3600000" });
        var api = new PlatformApi(app.Platform());
        var name = DatabaseName.Parse(TestData.UniqueName("reconnect"));
        await api.CreateOkAsync(new { name = name.Value });

        await FlushAllAsync();
        var server = redis.Connection.GetServers()[0];
        await server.ExecuteAsync("CLIENT", "KILL", "TYPE", "normal");

        var store = new TenantMetadataStore(redis.Connection);
        await Eventually(async () => await store.GetAsync(name) is not null, "records after the connection was restored");
    }

    [Fact]
    public async Task ARestartRepublishesEverything()
    {
        var quiet = new Dictionary<string, string?> { ["METADATA_CHECK_INTERVAL_MS"] = "3600000" };
        var name = DatabaseName.Parse(TestData.UniqueName("restart"));
        await using (var first = new TenantServiceApp(_dataDirectory, redis.ConnectionString, quiet))
        {
            await new PlatformApi(first.Platform()).CreateOkAsync(new { name = name.Value });
        }

        await FlushAllAsync();
        await using var second = new TenantServiceApp(_dataDirectory, redis.ConnectionString, quiet);
        _ = second.Services;

        var store = new TenantMetadataStore(redis.Connection);
        await Eventually(async () => await store.GetAsync(name) is not null, "records after a restart");
    }

    [Fact]
    public async Task CreatesWorkWhileRedisIsDownAndDeletesWaitForItSoNoServiceKeepsAConnection()
    {
        var port = LoopbackPort.Free();
        await using var app = new TenantServiceApp(_dataDirectory, $"127.0.0.1:{port},connectTimeout=500");
        var api = new PlatformApi(app.Platform());
        var kept = DatabaseName.Parse(TestData.UniqueName("offline"));
        var deleted = DatabaseName.Parse(TestData.UniqueName("offline-deleted"));

        await api.CreateOkAsync(new { name = kept.Value, schema = "todos-schema" });
        await api.CreateOkAsync(new { name = deleted.Value });
        // Without Redis no service can be told to close the database: the delete is refused, nothing is lost.
        using (var refused = await api.DeleteAsync(deleted.Value))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.NotNull(refused.Headers.RetryAfter);
        }

        using var server = StartRedisServer(port);
        try
        {
            using var connection = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{port},abortConnect=false");
            var store = new TenantMetadataStore(connection);
            await Eventually(async () => await store.GetAsync(kept) is not null && await store.GetAsync(deleted) is not null, "records once Redis is back");
            await Eventually(async () =>
            {
                using var retried = await api.DeleteAsync(deleted.Value);
                return retried.StatusCode == HttpStatusCode.OK;
            }, "the delete once Redis is back");
            Assert.Null(await store.GetAsync(deleted));
        }
        finally
        {
            server.Kill();
            server.WaitForExit();
        }
    }

    private async Task FlushAllAsync()
    {
        foreach (var server in redis.Connection.GetServers())
        {
            await server.FlushAllDatabasesAsync();
        }
    }

    private static async Task Eventually(Func<Task<bool>> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(clock.Elapsed < Patience, $"gave up waiting for {what}");
            await Task.Delay(50);
        }
    }

    private static Process StartRedisServer(int port)
    {
        const string binary = "/usr/bin/redis-server";
        Assert.True(File.Exists(binary) || File.Exists("/usr/local/bin/redis-server"),
            "this test needs redis-server (apt-get install redis-server)");
        var start = new ProcessStartInfo(File.Exists(binary) ? binary : "/usr/local/bin/redis-server",
            ["--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        var process = Process.Start(start)!;
        process.BeginOutputReadLine();
        return process;
    }
}
