using System.Collections.Concurrent;
using System.Net;
using Microsoft.Data.Sqlite;
using Tenancy.Databases;
using Testing;

namespace TenantService.Tests;

[Collection(TenantServiceCollection.Name)]
public sealed class CrashSafetyTests(RedisFixture redis) : IDisposable
{
    private readonly string _dataDirectory = TestData.NewDataDirectory();

    public void Dispose() => TestData.DeleteDirectory(_dataDirectory);

    [Fact]
    public async Task LeftoversOfAnInterruptedCreateAreRemovedAtStart()
    {
        var layout = new DatabaseLayout(_dataDirectory);
        await using (var first = new TenantServiceApp(_dataDirectory, redis.ConnectionString))
        {
            var api = new PlatformApi(first.Platform());
            await api.CreateOkAsync(new { name = "survivor", schema = "todos-schema" });
            await api.CreateOkAsync(new { name = "lost-file" });
        }

        // What a kill between the steps of a create leaves behind: a temporary copy, and a renamed file
        // whose record was never inserted. And outside damage: a record whose file is gone.
        var survivor = layout.DatabasePath(DatabaseName.Parse("survivor"));
        var temporary = Path.Combine(Path.GetDirectoryName(survivor)!, $".half.db.{Guid.NewGuid():N}.tmp");
        File.WriteAllBytes(temporary, new byte[1000]);
        var orphan = layout.DatabasePath(DatabaseName.Parse("orphan"));
        Directory.CreateDirectory(Path.GetDirectoryName(orphan)!);
        File.Copy(survivor, orphan);
        File.WriteAllText(orphan + "-wal", "");
        File.Delete(layout.DatabasePath(DatabaseName.Parse("lost-file")));

        await using var second = new TenantServiceApp(_dataDirectory, redis.ConnectionString);
        var restarted = new PlatformApi(second.Platform());
        var names = await restarted.NamesAsync("");

        Assert.False(File.Exists(temporary));
        Assert.False(File.Exists(orphan));
        // Kept aside with its WAL, never deleted: it may be newer than a restored platform.db.
        var quarantined = Assert.Single(Directory.GetFiles(Path.Combine(_dataDirectory, "quarantine"), "orphan.db", SearchOption.AllDirectories));
        Assert.Equal(File.ReadAllBytes(survivor), File.ReadAllBytes(quarantined));
        Assert.Single(Directory.GetFiles(Path.Combine(_dataDirectory, "quarantine"), "orphan.db-wal", SearchOption.AllDirectories));
        Assert.Contains("survivor", names);
        Assert.DoesNotContain("orphan", names);
        Assert.DoesNotContain("lost-file", names);
        AssertFilesMatchRecords(layout, names);
    }

    [Fact]
    public async Task LosingPlatformDbNeverDeletesDatabaseFiles()
    {
        var layout = new DatabaseLayout(_dataDirectory);
        await using (var first = new TenantServiceApp(_dataDirectory, redis.ConnectionString))
        {
            await new PlatformApi(first.Platform()).CreateOkAsync(new { name = "precious" });
        }

        foreach (var path in Directory.GetFiles(_dataDirectory, "platform.db*"))
        {
            File.Delete(path);
        }

        var todosSchema = layout.DatabasePath(DatabaseName.Parse("todos-schema"));
        var before = File.ReadAllBytes(todosSchema);
        await using var second = new TenantServiceApp(_dataDirectory, redis.ConnectionString);
        var api = new PlatformApi(second.Platform());
        await api.NamesAsync("");
        Assert.True(File.Exists(layout.DatabasePath(DatabaseName.Parse("precious"))));
        Assert.Equal(before, File.ReadAllBytes(todosSchema));
        using var response = await api.CreateAsync(new { name = "precious" });
        Assert.Contains("has a file but no record", await PlatformApi.ErrorAsync(response, HttpStatusCode.Conflict));
    }

    [Fact]
    public async Task KillingTheServiceMidCreateNeverLeavesAHalfMadeDatabase()
    {
        var layout = new DatabaseLayout(_dataDirectory);
        var acknowledged = new ConcurrentBag<string>();
        for (var round = 0; round < 4; round++)
        {
            await using var service = await TenantServiceProcess.StartAsync(_dataDirectory, redis.ConnectionString, TenantServiceApp.Token);
            var api = new PlatformApi(service.Client);
            await AssertConsistentAsync(api, layout, acknowledged);

            var killAfter = Random.Shared.Next(5, 60);
            var successes = 0;
            var workers = Enumerable.Range(0, 4).Select(worker => Task.Run(async () =>
            {
                for (var i = 0; ; i++)
                {
                    var name = $"crash-{round}-{worker}-{i}";
                    try
                    {
                        using var response = await api.CreateAsync(new { name, schema = "todos-schema" });
                        if (response.StatusCode != HttpStatusCode.OK)
                        {
                            throw new InvalidOperationException($"create {name}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                        }

                        acknowledged.Add(name);
                        if (Interlocked.Increment(ref successes) == killAfter)
                        {
                            service.Kill();
                        }
                    }
                    catch (HttpRequestException)
                    {
                        return;
                    }
                }
            })).ToList();
            await Task.WhenAll(workers);
        }

        await using var last = await TenantServiceProcess.StartAsync(_dataDirectory, redis.ConnectionString, TenantServiceApp.Token);
        await AssertConsistentAsync(new PlatformApi(last.Client), layout, acknowledged);
    }

    private static async Task AssertConsistentAsync(PlatformApi api, DatabaseLayout layout, IEnumerable<string> acknowledged)
    {
        var list = await api.GetOkAsync("");
        var records = list["databases"]!.AsArray().ToDictionary(db => (string)db!["Name"]!, db => (int)db!["version"]!);
        foreach (var name in acknowledged)
        {
            Assert.True(records.ContainsKey(name), $"'{name}' was acknowledged but is gone after a crash");
        }

        AssertFilesMatchRecords(layout, records.Keys);
        foreach (var (name, version) in records.Where(record => record.Key.StartsWith("crash-", StringComparison.Ordinal)))
        {
            using var connection = new SqliteConnection($"Data Source={layout.DatabasePath(DatabaseName.Parse(name))};Mode=ReadOnly;Pooling=False");
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA integrity_check; ";
            Assert.Equal("ok", command.ExecuteScalar());
            command.CommandText = "SELECT count(*) FROM todos";
            Assert.Equal(0L, command.ExecuteScalar());
            command.CommandText = "PRAGMA user_version";
            Assert.Equal((long)version, command.ExecuteScalar());
        }
    }

    private static void AssertFilesMatchRecords(DatabaseLayout layout, IEnumerable<string> records)
    {
        Assert.Empty(Directory.GetFiles(layout.DatabasesDirectory, "*.tmp*", SearchOption.AllDirectories));
        var files = Directory.GetFiles(layout.DatabasesDirectory, "*.db", SearchOption.AllDirectories)
            .Select(path => Path.GetFileNameWithoutExtension(path)!)
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.Equal(records.Order(StringComparer.Ordinal).ToList(), files);
    }
}
