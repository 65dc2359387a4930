using System.Net;
using Microsoft.Data.Sqlite;
using Tenancy.Databases;
using Testing;

namespace TenantService.Tests;

/// <summary>
/// A create is acknowledged only once it is durable: its record flushed (group commit), its file renamed from the pool
/// with a pending move that start-up redoes if a power loss took the rename back.
/// </summary>
[Collection(TenantServiceCollection.Name)]
public sealed class DurableCreateTests(RedisFixture redis) : IDisposable
{
    private readonly string _dataDirectory = TestData.NewDataDirectory();

    public void Dispose() => TestData.DeleteDirectory(_dataDirectory);

    [Fact]
    public async Task AnAcknowledgedCreateSurvivesAKillRightAfterItsAnswer()
    {
        var layout = new DatabaseLayout(_dataDirectory);
        var acknowledged = new List<string>();
        for (var round = 0; round < 4; round++)
        {
            await using var service = await TenantServiceProcess.StartAsync(_dataDirectory, redis.ConnectionString, TenantServiceApp.Token);
            var api = new PlatformApi(service.Client);
            var name = $"killed-after-{round}";
            using (var response = await api.CreateAsync(new { name, schema = "todos-schema" }))
            {
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }

            // SIGKILL at once: no shutdown code, no background flush gets to run.
            service.Kill();
            acknowledged.Add(name);
        }

        await using var last = await TenantServiceProcess.StartAsync(_dataDirectory, redis.ConnectionString, TenantServiceApp.Token);
        var names = await new PlatformApi(last.Client).NamesAsync("");
        foreach (var name in acknowledged)
        {
            Assert.Contains(name, names);
            AssertWhole(layout.DatabasePath(DatabaseName.Parse(name)));
        }
    }

    [Fact]
    public async Task ACreateWhoseRenameAPowerLossTookBackIsRenamedAgainAtStart()
    {
        var layout = new DatabaseLayout(_dataDirectory);
        await using (var first = await TenantServiceProcess.StartAsync(_dataDirectory, redis.ConnectionString, TenantServiceApp.Token))
        {
            await new PlatformApi(first.Client).CreateOkAsync(new { name = "renamed-back", schema = "todos-schema" });
            first.Kill();
        }

        // What a power loss before the folder's flush may leave: the record and its pending move on disk, the file still in the pool.
        var path = layout.DatabasePath(DatabaseName.Parse("renamed-back"));
        var pooled = Path.Combine(layout.DatabasesDirectory, ".pool", $"todos-schema.{Guid.NewGuid():N}.pooled");
        File.Move(path, pooled);
        using (var platform = new SqliteConnection($"Data Source={layout.PlatformDatabasePath};Pooling=False"))
        {
            platform.Open();
            using var command = platform.CreateCommand();
            command.CommandText = "INSERT OR REPLACE INTO pending_moves (name, source) VALUES ('renamed-back', $source)";
            command.Parameters.AddWithValue("$source", Path.GetFileName(pooled));
            command.ExecuteNonQuery();
        }

        await using var second = await TenantServiceProcess.StartAsync(_dataDirectory, redis.ConnectionString, TenantServiceApp.Token);
        Assert.Contains("renamed-back", await new PlatformApi(second.Client).NamesAsync(""));
        Assert.False(File.Exists(pooled));
        AssertWhole(path);
    }

    private static void AssertWhole(string path)
    {
        using var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA integrity_check";
        Assert.Equal("ok", command.ExecuteScalar());
        command.CommandText = "SELECT count(*) FROM todos";
        Assert.Equal(0L, command.ExecuteScalar());
    }
}
