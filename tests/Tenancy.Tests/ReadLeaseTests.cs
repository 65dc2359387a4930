using Microsoft.Data.Sqlite;
using Tenancy.Connections;
using Tenancy.Databases;
using Tenancy.Metadata;
using Testing;

namespace Tenancy.Tests;

/// <summary>Short reads run on the writer connection when it is free, so a tenant keeps one connection open; they still cannot write.</summary>
public sealed class ReadLeaseTests(RedisFixture redis) : IClassFixture<RedisFixture>, IDisposable
{
    private readonly TemporaryDirectory _directory = new();
    private readonly TenantMetadataStore _store = new(redis.Connection);

    [Fact]
    public async Task ATenantThatIsReadAndWrittenOneAtATimeKeepsOneConnectionOpen()
    {
        var name = await NewDatabaseAsync();
        using var cache = NewCache();

        using (var read = await LeaseAsync(cache, name, TenantAccessMode.Read))
        {
            Assert.Empty(await read.QueryAsync("SELECT x FROM t", row => row.GetString(0), 10, default));
        }

        using (var write = await LeaseAsync(cache, name, TenantAccessMode.Write))
        {
            Assert.Equal(1, await write.ExecuteAsync("INSERT INTO t VALUES (@x)", default, ("@x", "one")));
        }

        using (var read = await LeaseAsync(cache, name, TenantAccessMode.Read))
        {
            Assert.Equal(["one"], await read.QueryAsync("SELECT x FROM t", row => row.GetString(0), 10, default));
        }

        Assert.Equal(1, OpenHandles(name));
    }

    [Fact]
    public async Task AReadOnTheWriterCannotWriteEvenWithAStatementAWriteLeasePrepared()
    {
        var name = await NewDatabaseAsync();
        using var cache = NewCache();
        const string insert = "INSERT INTO t VALUES (@x)";
        using (var write = await LeaseAsync(cache, name, TenantAccessMode.Write))
        {
            await write.ExecuteAsync(insert, default, ("@x", "written"));
        }

        using (var read = await LeaseAsync(cache, name, TenantAccessMode.Read))
        {
            var error = await Assert.ThrowsAsync<SqliteException>(() => read.ExecuteAsync(insert, default, ("@x", "sneaked")));
            Assert.Equal(DatabaseRefusalReason.ReadOnly, TenantDatabaseFactory.Explain(error, read.Connection)?.Reason);
            await Assert.ThrowsAsync<SqliteException>(() => read.ExecuteAsync("CREATE TABLE u (y)", default));
        }

        using (var write = await LeaseAsync(cache, name, TenantAccessMode.Write))
        {
            Assert.Equal(["written"], await write.QueryAsync("SELECT x FROM t", row => row.GetString(0), 10, default));
            await write.ExecuteAsync(insert, default, ("@x", "after"));
        }
    }

    [Fact]
    public async Task ConcurrentReadsAndALongReadNeverHoldWritesBack()
    {
        var name = await NewDatabaseAsync();
        using var cache = NewCache();

        // The first read takes the free writer; the second, and a long read (a dump), get readers of their own.
        using var first = await LeaseAsync(cache, name, TenantAccessMode.Read);
        using var second = await LeaseAsync(cache, name, TenantAccessMode.Read);
        first.Dispose();
        using var dump = await LeaseAsync(cache, name, TenantAccessMode.LongRead);

        var write = cache.AcquireAsync(name, TenantAccessMode.Write).AsTask();
        Assert.True(await Task.WhenAny(write, Task.Delay(TimeSpan.FromSeconds(10))) == write, "a write waited for reads that hold no writer");
        using var writeLease = (await write).Lease!;
        Assert.Equal(1, await writeLease.ExecuteAsync("INSERT INTO t VALUES ('during reads')", default));
        Assert.Equal(3, OpenHandles(name));
    }

    public void Dispose() => _directory.Dispose();

    private TenantConnectionCache NewCache() =>
        new(_directory.Factory(), _store, new TenantConnectionCacheOptions(), TimeProvider.System);

    private static async Task<TenantLease> LeaseAsync(TenantConnectionCache cache, DatabaseName name, TenantAccessMode mode)
    {
        var access = await cache.AcquireAsync(name, mode);
        Assert.Equal(TenantAccessStatus.Granted, access.Status);
        return access.Lease!;
    }

    // This process's open file handles on the database file: one per connection.
    private int OpenHandles(DatabaseName name)
    {
        var path = _directory.Layout.DatabasePath(name);
        return new DirectoryInfo("/proc/self/fd").EnumerateFileSystemInfos().Count(fd => fd.LinkTarget == path);
    }

    private async Task<DatabaseName> NewDatabaseAsync()
    {
        var name = DatabaseName.Parse("reads-" + Guid.NewGuid().ToString("N")[..12]);
        using (var connection = _directory.Factory().Create(name, DatabaseKind.Standalone))
        using (var command = connection.CreateCommand())
        {
            command.CommandText = "CREATE TABLE t (x TEXT);";
            command.ExecuteNonQuery();
        }

        await _store.SetAsync(new TenantRecord(name, DatabaseKind.Standalone, null, 0, false, false, DateTimeOffset.UtcNow));
        return name;
    }
}
