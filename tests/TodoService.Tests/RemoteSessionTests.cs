using Microsoft.Data.Sqlite;
using Tenancy.Connections;
using Tenancy.Databases;
using Tenancy.Metadata;
using Tenancy.Storage;

namespace TodoService.Tests;

/// <summary>
/// The connection cache's remote sessions on their own, against the remote node of <see cref="RemotePlacementFixture"/>:
/// they read and fail as a local lease does, and remote tenants are bounded apart from local files.
/// </summary>
public sealed class RemoteSessionTests(RemotePlacementFixture fixture) : IClassFixture<RemotePlacementFixture>
{
    [Fact]
    public async Task ARemoteSessionsSqlErrorsCarrySqlitesCodesAndAReadSessionDoesNotWrite()
    {
        var (name, _) = await fixture.NewRemoteUserAsync();
        using var cache = NewCache(new TenantConnectionCacheOptions());

        using (var writer = (await cache.AcquireAsync(name, TenantAccessMode.Write)).Session!)
        {
            Assert.Equal(1, await writer.ExecuteAsync("INSERT INTO todos (id, description) VALUES (@id, @description)", default, ("@id", 7L), ("@description", "seven")));
            var duplicate = await Assert.ThrowsAsync<SqliteException>(() =>
                writer.ExecuteAsync("INSERT INTO todos (id, description) VALUES (@id, 'again')", default, ("@id", 7L)));
            Assert.Equal(19, duplicate.SqliteErrorCode); // SQLITE_CONSTRAINT
            Assert.Equal(1, (await Assert.ThrowsAsync<SqliteException>(() => writer.ExecuteAsync("INSERT INTO nowhere VALUES (1)", default))).SqliteErrorCode);
        }

        using var reader = (await cache.AcquireAsync(name, TenantAccessMode.Read)).Session!;
        var refused = await Assert.ThrowsAsync<SqliteException>(() => reader.ExecuteAsync("DELETE FROM todos", default));
        Assert.Equal(8, refused.SqliteErrorCode); // SQLITE_READONLY, as a local read lease's query_only connection
        var rows = await reader.QueryAsync("SELECT id, description, completed FROM todos WHERE id = @id", row => (row.GetInt64(0), row.GetString(1), row.IsNull(2)), 10, default, ("@id", 7));
        Assert.Equal([(7L, "seven", false)], rows);
    }

    [Fact]
    public async Task RemoteTenantsHaveABoundOfTheirOwnAndDoNotPushLocalFilesOut()
    {
        var local = await fixture.Local.Users.CreateAsync("user_" + Guid.NewGuid().ToString("N"));
        var remotes = new List<DatabaseName>();
        for (var i = 0; i < 3; i++)
        {
            remotes.Add((await fixture.NewRemoteUserAsync()).Name);
        }

        using var cache = NewCache(new TenantConnectionCacheOptions { MaxOpenDatabases = 1, MaxRemoteDatabases = 2 });
        (await cache.AcquireAsync(local, TenantAccessMode.Write)).Session!.Dispose();
        foreach (var remote in remotes)
        {
            using var session = (await cache.AcquireAsync(remote, TenantAccessMode.Read)).Session!;
            Assert.Empty(await session.QueryAsync("SELECT id FROM todos", row => row.GetInt64(0), 10, default));
        }

        Assert.Equal((1, 2), (cache.OpenDatabases, cache.RemoteDatabases));
        Assert.IsType<TenantLease>((await cache.AcquireAsync(local, TenantAccessMode.Read)).Session);
    }

    private TenantConnectionCache NewCache(TenantConnectionCacheOptions options)
    {
        var storage = new StorageOptions
        {
            Backends = new Dictionary<string, StorageBackend>
            {
                [RemotePlacementFixture.Backend] = new(RemotePlacementFixture.Backend, fixture.Remote.Address, "local", fixture.Remote.Token),
            },
        };
        return new TenantConnectionCache(fixture.Local.Users.Factory, new TenantMetadataStore(fixture.Local.Redis.Connection), options, TimeProvider.System,
            new RemoteDatabases(storage, options));
    }
}
