using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Tenancy.Databases;

namespace TodoService.Tests;

public sealed class TenantCacheTests(TodoServiceFixture fixture) : IClassFixture<TodoServiceFixture>
{
    [Fact]
    public async Task OpenDatabasesStayWithinTheBoundWhenMoreTenantsAreUsed()
    {
        await using var host = fixture.NewHost(new Dictionary<string, string?> { ["Tenancy:MaxOpenDatabases"] = "5" });
        var paths = new List<string>();
        for (var i = 0; i < 12; i++)
        {
            var (userId, client) = await fixture.NewUserAsync(host);
            paths.Add(fixture.Users.Factory.Layout.DatabasePath(TenantId.FromClerkId(userId)));
            (await client.PostAsJsonAsync("/api/todos", new { description = "x" })).EnsureSuccessStatusCode();
            (await client.GetAsync("/api/todos")).EnsureSuccessStatusCode();
        }

        Assert.InRange(host.Cache.OpenDatabases, 1, 5);
        Assert.InRange(OpenFiles(paths).Distinct().Count(), 1, 5);
    }

    [Fact]
    public async Task ADeletedTenantIsClosedAndItsNextRequestGets404()
    {
        var (userId, client) = await fixture.NewUserAsync();
        var name = TenantId.FromClerkId(userId);
        var path = fixture.Users.Factory.Layout.DatabasePath(name);
        (await client.PostAsJsonAsync("/api/todos", new { description = "x" })).EnsureSuccessStatusCode();
        Assert.NotEmpty(OpenFiles([path]));

        await fixture.Users.DeleteAsync(name);

        await Eventually.TrueAsync(() => Task.FromResult(OpenFiles([path]).Count == 0), "the deleted database's files are closed");
        var response = await client.GetAsync("/api/todos");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task AMigrationIsVisibleWithoutRestartingTheService()
    {
        var (userId, client) = await fixture.NewUserAsync();
        var name = TenantId.FromClerkId(userId);
        (await client.PostAsJsonAsync("/api/todos", new { description = "before" })).EnsureSuccessStatusCode();

        await fixture.Users.MigrateAsync(name, "ALTER TABLE todos ADD COLUMN priority INTEGER NOT NULL DEFAULT 0", version: 2);

        await Eventually.TrueAsync(async () => (await client.GetFromJsonAsync<JsonElement>("/api/me")).GetProperty("schema_version").GetInt64() == 2,
            "todoservice reports schema version 2");
        (await client.PostAsJsonAsync("/api/todos", new { description = "after" })).EnsureSuccessStatusCode();
        using var connection = fixture.Users.Factory.Open(name, DatabaseKind.Child, UserDatabases.Schema, readOnly: true);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM todos WHERE priority = 0";
        Assert.Equal(2L, command.ExecuteScalar());
    }

    [Fact]
    public async Task WritesWaitForAWriteBlockWhileReadsGoOn()
    {
        var (userId, client) = await fixture.NewUserAsync();
        var name = TenantId.FromClerkId(userId);
        (await client.PostAsJsonAsync("/api/todos", new { description = "before" })).EnsureSuccessStatusCode();

        await fixture.Users.BlockWritesAsync(name, version: 1, blocked: true);
        await Eventually.TrueAsync(async () => (await client.GetFromJsonAsync<JsonElement>("/api/me")).GetProperty("status").GetString() == "migrating",
            "todoservice sees the write block");

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/todos")).StatusCode);
        var refused = await client.PostAsJsonAsync("/api/todos", new { description = "blocked" });
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.NotNull(refused.Headers.RetryAfter);

        // A write that arrives during the block goes through once the block clears.
        var waiting = client.PostAsJsonAsync("/api/todos", new { description = "waited" });
        await Task.Delay(200);
        await fixture.Users.BlockWritesAsync(name, version: 1, blocked: false);
        Assert.Equal(HttpStatusCode.Created, (await waiting).StatusCode);

        var items = (await client.GetFromJsonAsync<JsonElement>("/api/todos")).GetProperty("items").EnumerateArray();
        Assert.Equal(["waited", "before"], items.Select(item => item.GetProperty("description").GetString()));
    }

    [Fact]
    public async Task ConcurrentWritersOnOneTenantAllSucceed()
    {
        var (_, client) = await fixture.NewUserAsync();

        var responses = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => client.PostAsJsonAsync("/api/todos", new { description = $"todo {i}" })));

        Assert.All(responses, response => Assert.Equal(HttpStatusCode.Created, response.StatusCode));
        var page = await client.GetFromJsonAsync<JsonElement>("/api/todos?limit=100");
        Assert.Equal(40, page.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task TwoReplicasWritingTheSameTenantAreSafe()
    {
        await using var replica = fixture.NewHost();
        var (userId, first) = await fixture.NewUserAsync();
        var second = replica.ClientFor(userId);

        var writes = Enumerable.Range(0, 20).SelectMany(i => new[]
        {
            first.PostAsJsonAsync("/api/todos", new { description = $"first {i}" }),
            second.PostAsJsonAsync("/api/todos", new { description = $"second {i}" }),
        });
        var responses = await Task.WhenAll(writes);

        Assert.All(responses, response => Assert.Equal(HttpStatusCode.Created, response.StatusCode));
        Assert.Equal(40, (await first.GetFromJsonAsync<JsonElement>("/api/todos?limit=100")).GetProperty("items").GetArrayLength());
        Assert.Equal(40, (await second.GetFromJsonAsync<JsonElement>("/api/todos?limit=100")).GetProperty("items").GetArrayLength());
    }

    // The database files (not -wal/-shm) this process holds open among the given ones.
    private static List<string> OpenFiles(IReadOnlyCollection<string> databasePaths)
    {
        var wanted = databasePaths.ToHashSet(StringComparer.Ordinal);
        var open = new List<string>();
        foreach (var fd in new DirectoryInfo("/proc/self/fd").EnumerateFileSystemInfos())
        {
            try
            {
                if (fd.LinkTarget is { } target && wanted.Contains(target))
                {
                    open.Add(target);
                }
            }
            catch (IOException)
            {
                // The descriptor closed while we looked.
            }
        }

        return open;
    }
}
