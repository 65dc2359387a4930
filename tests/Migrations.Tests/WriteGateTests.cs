using Tenancy.Connections;
using Tenancy.Databases;
using Tenancy.Metadata;
using Testing;

namespace Migrations.Tests;

/// <summary>What todoservice sees: its connection cache, fed by the tenant events, holds writes back while a child is blocked.</summary>
[Collection(MigrationsCollection.Name)]
public sealed class WriteGateTests(RedisFixture redis) : MigrationFixture(redis)
{
    private TenantConnectionCache? _cache;
    private IAsyncDisposable? _subscription;

    // One database at a time, each task held open: the windows in which a child is blocked are wide enough to write into.
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["MIGRATION_PARALLELISM"] = "1",
        ["MIGRATION_TASK_DELAY_MS"] = "1000",
    };

    private TenantConnectionCache Cache => _cache!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        var store = new TenantMetadataStore(Redis.Connection);
        _cache = new TenantConnectionCache(
            App.DatabaseFactory, store, new TenantConnectionCacheOptions { WriteBlockWait = TimeSpan.FromMilliseconds(100) }, TimeProvider.System);
        _subscription = await store.SubscribeAsync(tenantEvent =>
        {
            Cache.Apply(tenantEvent);
            return Task.CompletedTask;
        });
    }

    public override async Task DisposeAsync()
    {
        if (_subscription is not null)
        {
            await _subscription.DisposeAsync();
        }

        _cache?.Dispose();
        await base.DisposeAsync();
    }

    [Fact]
    public async Task UnderRollingOnlyTheChildBeingMigratedRefusesWritesAndReadsGoOn()
    {
        string[] children = ["gate-1", "gate-2", "gate-3"];
        await CreateSchemaWithChildrenAsync("gate-schema", "CREATE TABLE t (x);", children);
        foreach (var child in children)
        {
            Assert.Equal(TenantAccessStatus.Granted, await AccessAsync(child, TenantAccessMode.Write));
        }

        var id = await Api.SubmitAsync("gate-schema", "ALTER TABLE t ADD COLUMN y;", lockMode: "rolling");
        await WaitUntilAsync(async () => await AccessAsync("gate-2", TenantAccessMode.Write) == TenantAccessStatus.WriteBlocked);

        Assert.Equal(TenantAccessStatus.Granted, await AccessAsync("gate-2", TenantAccessMode.Read));
        Assert.Equal(TenantAccessStatus.Granted, await AccessAsync("gate-1", TenantAccessMode.Write));
        Assert.Equal(TenantAccessStatus.Granted, await AccessAsync("gate-3", TenantAccessMode.Write));
        Assert.Equal("RunSuccess", (string)(await Api.WaitForJobAsync("gate-schema", id))["status"]!);
        await WaitUntilAsync(async () => await AccessAsync("gate-3", TenantAccessMode.Write) == TenantAccessStatus.Granted);
    }

    [Fact]
    public async Task UnderAllEveryChildRefusesWritesUntilTheJobEnds()
    {
        string[] children = ["wall-1", "wall-2", "wall-3"];
        await CreateSchemaWithChildrenAsync("wall-schema", "CREATE TABLE t (x);", children);
        foreach (var child in children)
        {
            Assert.Equal(TenantAccessStatus.Granted, await AccessAsync(child, TenantAccessMode.Write));
        }

        var id = await Api.SubmitAsync("wall-schema", "ALTER TABLE t ADD COLUMN y;", lockMode: "all");
        // While the first child's task runs, the last one, not yet migrated, is already blocked.
        await WaitUntilAsync(async () => (await Api.JobAsync("wall-schema", id))["progress"]!.AsArray().Any(task => (string)task!["status"]! == "Run"));

        foreach (var child in children)
        {
            Assert.Equal(TenantAccessStatus.WriteBlocked, await AccessAsync(child, TenantAccessMode.Write));
            Assert.Equal(TenantAccessStatus.Granted, await AccessAsync(child, TenantAccessMode.Read));
        }

        Assert.Equal("RunSuccess", (string)(await Api.WaitForJobAsync("wall-schema", id))["status"]!);
        foreach (var child in children)
        {
            await WaitUntilAsync(async () => await AccessAsync(child, TenantAccessMode.Write) == TenantAccessStatus.Granted);
        }
    }

    private async Task<TenantAccessStatus> AccessAsync(string database, TenantAccessMode mode)
    {
        var access = await Cache.AcquireAsync(DatabaseName.Parse(database), mode);
        access.Lease?.Dispose();
        return access.Status;
    }
}
