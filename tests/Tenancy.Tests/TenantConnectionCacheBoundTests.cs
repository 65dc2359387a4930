using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;
using Tenancy.Connections;
using Tenancy.Databases;
using Tenancy.Metadata;
using Testing;

namespace Tenancy.Tests;

/// <summary>
/// The open-files bound is hard: databases with files open, those still closing included, never exceed
/// Tenancy__MaxOpenDatabases; a cold tenant that finds no slot within Tenancy__OpenSlotWait is refused.
/// </summary>
public sealed class TenantConnectionCacheBoundTests(RedisFixture redis) : IClassFixture<RedisFixture>, IDisposable
{
    private readonly TemporaryDirectory _directory = new();
    // A lookup wait long enough for a loaded machine: these tests are about slots, not about Redis being slow.
    private readonly TenantMetadataStore _store = new(redis.Connection, new TenantLookupOptions { LookupTimeout = TimeSpan.FromSeconds(30) });

    [Fact]
    public async Task DatabasesWithOpenFilesNeverExceedTheBoundWhileManyTenantsAreOpenedAtOnce()
    {
        const int Bound = 4;
        var names = await Task.WhenAll(Enumerable.Range(0, 24).Select(_ => NewDatabaseAsync()));
        // A slot wait long enough for a loaded machine: this test is about the bound, the refusal has its own.
        using var cache = NewCache(new TenantConnectionCacheOptions
        {
            MaxOpenDatabases = Bound, CloseAhead = 2, CloseConcurrency = 2, OpenSlotWait = TimeSpan.FromMinutes(1),
        });
        using var stop = new CancellationTokenSource();
        var most = 0;
        // A thread of its own, pausing between readings, so sampling neither holds a pool thread nor starves the workers.
        var sampler = Task.Factory.StartNew(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                most = Math.Max(most, OpenDatabaseFiles());
                Thread.Sleep(1);
            }
        }, TaskCreationOptions.LongRunning);

        var refused = new ConcurrentBag<TenantAccessStatus>();
        await Task.WhenAll(Enumerable.Range(0, 8).Select(worker => Task.Run(async () =>
        {
            var random = new Random(worker);
            for (var i = 0; i < 60; i++)
            {
                var mode = random.Next(3) == 0 ? TenantAccessMode.Write : TenantAccessMode.Read;
                var access = await cache.AcquireAsync(names[random.Next(names.Length)], mode);
                if (access.Lease is not { } lease)
                {
                    refused.Add(access.Status);
                    continue;
                }

                using (lease)
                {
                    Execute(lease.Connection, mode == TenantAccessMode.Write ? "INSERT INTO t VALUES ('x')" : "SELECT count(*) FROM t");
                }
            }
        })));
        await stop.CancelAsync();
        await sampler;

        Assert.True(most is >= 1 and <= Bound, $"{most} databases had files open at once; the bound is {Bound}");
        Assert.True(refused.IsEmpty, $"refused: {string.Join(", ", refused)}");
        cache.Dispose();
        Assert.Equal(0, OpenDatabaseFiles());
    }

    [Fact]
    public async Task AColdTenantIsRefusedWithOpenLimitReachedWhenEverySlotStaysBusyPastTheWait()
    {
        var (first, second, cold) = (await NewDatabaseAsync(), await NewDatabaseAsync(), await NewDatabaseAsync());
        using var cache = NewCache(new TenantConnectionCacheOptions { MaxOpenDatabases = 2, OpenSlotWait = TimeSpan.FromMilliseconds(100) });
        var held = (await cache.AcquireAsync(first, TenantAccessMode.Read)).Lease!;
        using (var busy = (await cache.AcquireAsync(second, TenantAccessMode.Write)).Lease!)
        {
            var refused = await cache.AcquireAsync(cold, TenantAccessMode.Read);

            Assert.Equal(TenantAccessStatus.OpenLimitReached, refused.Status);
            Assert.Null(refused.Lease);
            Assert.True(refused.RetryAfter > TimeSpan.Zero);
            Assert.Equal(TenantAccessStatus.OpenLimitReached, (await cache.OpenStreamAsync(cold)).Status);
        }

        // The writer came back: that tenant is idle, so it is closed to make room.
        using var granted = (await cache.AcquireAsync(cold, TenantAccessMode.Read)).Lease;
        Assert.NotNull(granted);
        held.Dispose();
    }

    [Fact]
    public async Task AReadOnTheFreeWriterCannotChangeAnythingAndLeavesTheWriterWritable()
    {
        var name = await NewDatabaseAsync();
        using var cache = NewCache();
        using (var read = (await cache.AcquireAsync(name, TenantAccessMode.Read)).Lease!)
        {
            var error = Assert.Throws<SqliteException>(() => Execute(read.Connection, "INSERT INTO t VALUES ('sneaked')"));
            Assert.Equal(8, error.SqliteErrorCode);
            Assert.Throws<SqliteException>(() => Execute(read.Connection, "PRAGMA query_only = 0"));
            Assert.Throws<SqliteException>(() => Execute(read.Connection, "BEGIN IMMEDIATE"));
        }

        using (var write = (await cache.AcquireAsync(name, TenantAccessMode.Write)).Lease!)
        {
            Execute(write.Connection, "INSERT INTO t VALUES ('written')");
        }

        Assert.Equal(1L, Count(name));
    }

    [Fact]
    public async Task AReadBesideABusyWriterGetsAReadOnlyReaderOfItsOwn()
    {
        var name = await NewDatabaseAsync();
        using var cache = NewCache();
        using var write = (await cache.AcquireAsync(name, TenantAccessMode.Write)).Lease!;
        using var read = (await cache.AcquireAsync(name, TenantAccessMode.Read)).Lease!;

        Assert.NotSame(write.Connection, read.Connection);
        Assert.Equal(8, Assert.Throws<SqliteException>(() => Execute(read.Connection, "INSERT INTO t VALUES ('sneaked')")).SqliteErrorCode);
    }

    public void Dispose() => _directory.Dispose();

    // Databases with a file (.db, -wal, -shm) of this test's DATA_DIR open in this process; two equal readings in a row,
    // so a descriptor closed and reused while it was read does not count.
    private int OpenDatabaseFiles()
    {
        const string Descriptors = "/proc/self/fd";
        Assert.True(Directory.Exists(Descriptors), $"This test counts open files through {Descriptors}, which this system does not have (Linux only).");
        while (true)
        {
            var first = Read();
            if (first.SetEquals(Read()))
            {
                return first.Count;
            }
        }

        HashSet<string> Read()
        {
            HashSet<string> databases = [];
            foreach (var descriptor in Directory.EnumerateFileSystemEntries(Descriptors))
            {
                string? target;
                try
                {
                    target = new FileInfo(descriptor).LinkTarget;
                }
                catch (IOException)
                {
                    continue;
                }

                if (target is null || !target.StartsWith(_directory.Path, StringComparison.Ordinal))
                {
                    continue;
                }

                var database = target.EndsWith("-wal", StringComparison.Ordinal) || target.EndsWith("-shm", StringComparison.Ordinal) ? target[..^4] : target;
                if (database.EndsWith(".db", StringComparison.Ordinal))
                {
                    databases.Add(database);
                }
            }

            return databases;
        }
    }

    private TenantConnectionCache NewCache(TenantConnectionCacheOptions? options = null) =>
        new(_directory.Factory(), _store, options ?? new TenantConnectionCacheOptions(), TimeProvider.System);

    private async Task<DatabaseName> NewDatabaseAsync()
    {
        var name = DatabaseName.Parse("bound-" + Guid.NewGuid().ToString("N")[..12]);
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
