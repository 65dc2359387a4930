using Tenancy.Connections;
using Tenancy.Databases;
using Tenancy.Metadata;
using Testing;

namespace Tenancy.Tests;

/// <summary>A tenant the cache closed to stay within its bound opens again without a Redis lookup, yet never with stale metadata.</summary>
public sealed class RememberedTenantsTests(RedisFixture redis) : IClassFixture<RedisFixture>, IDisposable
{
    private readonly TemporaryDirectory _directory = new();
    private readonly TenantMetadataStore _store = new(redis.Connection);

    [Fact]
    public async Task AnEvictedTenantOpensAgainWithoutALookup()
    {
        var (a, b) = (await NewDatabaseAsync(), await NewDatabaseAsync());
        var directory = new CountingDirectory(_store);
        using var cache = NewCache(directory, remembered: 10);

        await GrantedAsync(cache, a, TenantAccessMode.Read);
        await GrantedAsync(cache, b, TenantAccessMode.Write);
        await GrantedAsync(cache, a, TenantAccessMode.Write);
        await GrantedAsync(cache, b, TenantAccessMode.Read);

        Assert.Equal(2, directory.Lookups);
        Assert.Equal(1, cache.OpenDatabases);
    }

    [Fact]
    public async Task AnEventForAnEvictedTenantMakesTheNextOpenLookItUpAgain()
    {
        var (a, b) = (await NewDatabaseAsync(), await NewDatabaseAsync());
        var directory = new CountingDirectory(_store);
        using var cache = NewCache(directory, remembered: 10);
        await GrantedAsync(cache, a, TenantAccessMode.Read);
        await GrantedAsync(cache, b, TenantAccessMode.Read);

        // A migration blocks a's writes while a is closed here: the remembered record would still say writes are open.
        var blocked = (await _store.GetAsync(a))! with { BlockWrites = true };
        await _store.SetAsync(blocked);
        cache.Apply(new TenantEvent(TenantEventType.Migrating, a, blocked.Version, BlockWrites: true));

        Assert.Equal(TenantAccessStatus.WriteBlocked, (await cache.AcquireAsync(a, TenantAccessMode.Write)).Status);
        Assert.Equal(3, directory.Lookups);
    }

    [Fact]
    public async Task AnEvictedTenantDeletedMeanwhileIsNotFound()
    {
        var (a, b) = (await NewDatabaseAsync(), await NewDatabaseAsync());
        using var cache = NewCache(new CountingDirectory(_store), remembered: 10);
        await GrantedAsync(cache, a, TenantAccessMode.Read);
        await GrantedAsync(cache, b, TenantAccessMode.Read);

        Assert.True(await cache.CloseAsync(a));
        File.Delete(_directory.Layout.DatabasePath(a));
        await _store.RemoveAsync(a);
        cache.Apply(new TenantEvent(TenantEventType.Deleted, a, 0, null));

        Assert.Equal(TenantAccessStatus.NotFound, (await cache.AcquireAsync(a, TenantAccessMode.Read)).Status);
    }

    [Fact]
    public async Task WithNoneRememberedEveryMissIsLookedUp()
    {
        var (a, b) = (await NewDatabaseAsync(), await NewDatabaseAsync());
        var directory = new CountingDirectory(_store);
        using var cache = NewCache(directory, remembered: 0);

        foreach (var name in new[] { a, b, a, b })
        {
            await GrantedAsync(cache, name, TenantAccessMode.Read);
        }

        Assert.Equal(4, directory.Lookups);
    }

    public void Dispose() => _directory.Dispose();

    private TenantConnectionCache NewCache(ITenantDirectory directory, int remembered) =>
        new(_directory.Factory(), directory, new TenantConnectionCacheOptions
        {
            MaxOpenDatabases = 1,
            RememberedTenants = remembered,
            WriteBlockWait = TimeSpan.FromMilliseconds(50),
        }, TimeProvider.System);

    private static async Task GrantedAsync(TenantConnectionCache cache, DatabaseName name, TenantAccessMode mode)
    {
        var access = await cache.AcquireAsync(name, mode);
        Assert.Equal(TenantAccessStatus.Granted, access.Status);
        access.Lease!.Dispose();
    }

    private async Task<DatabaseName> NewDatabaseAsync()
    {
        var name = DatabaseName.Parse("remembered-" + Guid.NewGuid().ToString("N")[..12]);
        _directory.Factory().Create(name, DatabaseKind.Standalone).Dispose();
        await _store.SetAsync(new TenantRecord(name, DatabaseKind.Standalone, null, 0, false, false, DateTimeOffset.UtcNow));
        return name;
    }

    // The real Redis directory, counting how often the cache asks it.
    private sealed class CountingDirectory(ITenantDirectory inner) : ITenantDirectory
    {
        private int _lookups;

        public int Lookups => _lookups;

        public Task<TenantRecord?> FindAsync(DatabaseName name)
        {
            Interlocked.Increment(ref _lookups);
            return inner.FindAsync(name);
        }
    }
}
