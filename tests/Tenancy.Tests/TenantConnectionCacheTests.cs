using Microsoft.Data.Sqlite;
using Tenancy.Connections;
using Tenancy.Databases;
using Tenancy.Metadata;
using Testing;

namespace Tenancy.Tests;

/// <summary>The cache as the one owner of a tenant's connections: closes for deletes, maintenance leases and write gates.</summary>
public sealed class TenantConnectionCacheTests(RedisFixture redis) : IClassFixture<RedisFixture>, IDisposable
{
    private readonly TemporaryDirectory _directory = new();
    private readonly TenantMetadataStore _store = new(redis.Connection);

    [Fact]
    public async Task ClosingWaitsForLeasesAndRefusesNewOnesUntilTheDeleteIsAnnounced()
    {
        var name = await NewDatabaseAsync();
        using var cache = NewCache();
        var lease = (await cache.AcquireAsync(name, TenantAccessMode.Write)).Lease!;

        var closing = cache.CloseAsync(name);

        Assert.False(closing.IsCompleted);
        Assert.Equal(TenantAccessStatus.ReadBlocked, (await cache.AcquireAsync(name, TenantAccessMode.Read)).Status);
        Assert.Equal(TenantAccessStatus.ReadBlocked, (await cache.OpenStreamAsync(name)).Status);
        lease.Dispose();
        Assert.True(await closing);
        await _store.RemoveAsync(name);
        cache.Apply(new TenantEvent(TenantEventType.Deleted, name, 0, null));
        Assert.Equal(TenantAccessStatus.NotFound, (await cache.AcquireAsync(name, TenantAccessMode.Read)).Status);
    }

    [Fact]
    public async Task ClosingGivesUpWhenALeaseOutlastsTheCloseTimeoutAndAReopenedDatabaseOpensAgain()
    {
        var name = await NewDatabaseAsync();
        using var cache = NewCache(new TenantConnectionCacheOptions { CloseTimeout = TimeSpan.FromMilliseconds(100) });
        using (var lease = (await cache.AcquireAsync(name, TenantAccessMode.Read)).Lease!)
        {
            Assert.False(await cache.CloseAsync(name));
        }

        cache.Apply(new TenantEvent(TenantEventType.Reopened, name, 1, false));
        var access = await cache.AcquireAsync(name, TenantAccessMode.Write);
        Assert.Equal(TenantAccessStatus.Granted, access.Status);
        access.Lease!.Dispose();
    }

    [Fact]
    public async Task AStreamsOpenTransactionIsRolledBackWhenTheDatabaseIsClosed()
    {
        var name = await NewDatabaseAsync();
        using var cache = NewCache();
        var stream = (await cache.OpenStreamAsync(name)).Stream!;
        Assert.True(stream.TryEnter());
        Execute(stream.Connection, "BEGIN IMMEDIATE; INSERT INTO t VALUES ('uncommitted');");
        stream.Exit();

        Assert.True(await cache.CloseAsync(name));

        Assert.False(stream.TryEnter());
        Assert.Equal(DatabaseRefusalReason.ConnectionRevoked, stream.Revoked?.Reason);
        Assert.Contains("being deleted", stream.Revoked!.Message);
        Assert.Equal(0L, Count(name));
    }

    [Fact]
    public async Task MaintenanceTakesTheWriteLockBackFromAStreamAfterTheGraceAndHoldsWritesMeanwhile()
    {
        var name = await NewDatabaseAsync();
        using var cache = NewCache(new TenantConnectionCacheOptions
        {
            WriteTransactionGrace = TimeSpan.FromMilliseconds(200),
            WriteBlockWait = TimeSpan.FromMilliseconds(50),
        });
        var holder = (await cache.OpenStreamAsync(name)).Stream!;
        var writer = (await cache.OpenStreamAsync(name)).Stream!;
        Assert.True(holder.TryEnter());
        Execute(holder.Connection, "BEGIN IMMEDIATE; INSERT INTO t VALUES ('held');");
        holder.Exit();

        using (var maintenance = (await cache.AcquireAsync(name, TenantAccessMode.Maintenance)).Lease!)
        {
            Assert.Equal(DatabaseRefusalReason.ConnectionRevoked, holder.Revoked?.Reason);
            Assert.Contains("schema migration", holder.Revoked!.Message);
            Assert.False(await writer.WaitWritableAsync(CancellationToken.None));
            Execute(maintenance.Connection, "INSERT INTO t VALUES ('maintenance');");
        }

        Assert.True(await writer.WaitWritableAsync(CancellationToken.None));
        Assert.Equal(1L, Count(name));
        writer.End(reusable: true);
    }

    [Fact]
    public async Task ATenantWithAnOpenStreamIsNotEvicted()
    {
        var streamed = await NewDatabaseAsync();
        var other = await NewDatabaseAsync();
        using var cache = NewCache(new TenantConnectionCacheOptions { MaxOpenDatabases = 1 });
        var stream = (await cache.OpenStreamAsync(streamed)).Stream!;
        Assert.True(stream.TryEnter());
        Execute(stream.Connection, "BEGIN; INSERT INTO t VALUES ('kept');");
        stream.Exit();

        (await cache.AcquireAsync(other, TenantAccessMode.Read)).Lease!.Dispose();

        Assert.True(stream.TryEnter());
        Execute(stream.Connection, "COMMIT;");
        stream.Exit();
        stream.End(reusable: true);
        Assert.Equal(1L, Count(streamed));
    }

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task AWriteThatGrowsTheWalPastItsBoundEndsTheSnapshotHoldingItAndTruncatesTheWal()
    {
        var name = await NewDatabaseAsync();
        const long Bound = 1 << 20;
        using var cache = new TenantConnectionCache(_directory.Factory(new TenantDatabaseOptions { MaxWalSizeBytes = Bound }), _store, new TenantConnectionCacheOptions(), TimeProvider.System);
        var reader = (await cache.OpenStreamAsync(name)).Stream!;
        Assert.True(reader.TryEnter());
        Execute(reader.Connection, "BEGIN; SELECT count(*) FROM t;");
        reader.Exit();
        var wal = _directory.Layout.DatabasePath(name) + "-wal";
        long largest = 0;
        for (var i = 0; i < 12; i++)
        {
            // ~256 KB a write: the bound is passed by the fifth.
            using (var lease = (await cache.AcquireAsync(name, TenantAccessMode.Write)).Lease!)
            {
                Execute(lease.Connection, "INSERT INTO t SELECT hex(randomblob(128000))");
            }

            largest = Math.Max(largest, new FileInfo(wal).Length);
        }

        Assert.True(largest <= Bound + (300 << 10), $"the WAL reached {largest} bytes; its bound is {Bound}");
        Assert.False(reader.TryEnter());
        Assert.Equal(DatabaseRefusalReason.ConnectionRevoked, reader.Revoked?.Reason);
        Assert.Contains("Tenancy__MaxWalSizeBytes", reader.Revoked!.Message, StringComparison.Ordinal);
        Assert.Equal(12L, Count(name));
    }

    [Fact]
    public async Task AStreamsTransactionOverItsTimeLimitIsRolledBackAndSaysWhy()
    {
        var name = await NewDatabaseAsync();
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        using var cache = new TenantConnectionCache(_directory.Factory(time: clock), _store, new TenantConnectionCacheOptions(), clock);
        var stream = (await cache.OpenStreamAsync(name)).Stream!;
        Assert.True(stream.TryEnter());
        // An idle stream in autocommit is never "in a transaction", however long it waits.
        clock.Advance(TimeSpan.FromSeconds(30));
        stream.StatementStarting(TimeSpan.FromSeconds(5));
        Execute(stream.Connection, "BEGIN IMMEDIATE; INSERT INTO t VALUES ('uncommitted');");
        stream.Exit();
        clock.Advance(TimeSpan.FromSeconds(4));
        Assert.False(stream.EndTransactionIfOlderThan(TimeSpan.FromSeconds(5)));

        clock.Advance(TimeSpan.FromSeconds(2));

        Assert.True(stream.EndTransactionIfOlderThan(TimeSpan.FromSeconds(5)));
        Assert.False(stream.TryEnter());
        Assert.Equal(DatabaseRefusalReason.TransactionTimeout, stream.Revoked?.Reason);
        Assert.Contains("5 s limit", stream.Revoked!.Message, StringComparison.Ordinal);
        Assert.Equal(0L, Count(name));
    }

    private TenantConnectionCache NewCache(TenantConnectionCacheOptions? options = null) =>
        new(_directory.Factory(), _store, options ?? new TenantConnectionCacheOptions(), TimeProvider.System);

    private async Task<DatabaseName> NewDatabaseAsync()
    {
        var name = DatabaseName.Parse("cache-" + Guid.NewGuid().ToString("N")[..12]);
        using (var connection = _directory.Factory().Create(name, DatabaseKind.Standalone))
        {
            Execute(connection, "CREATE TABLE t (x TEXT);");
        }

        await _store.SetAsync(new TenantRecord(name, DatabaseKind.Standalone, null, 0, false, false, DateTimeOffset.UtcNow));
        return name;
    }

    private long Count(DatabaseName name)
    {
        using var connection = _directory.Factory().Open(name, DatabaseKind.Standalone, readOnly: true);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM t";
        return (long)command.ExecuteScalar()!;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
