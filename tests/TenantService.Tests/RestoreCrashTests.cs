using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using Microsoft.Data.Sqlite;
using Tenancy.Databases;
using Testing;
using Xunit.Abstractions;

namespace TenantService.Tests;

/// <summary>
/// SIGKILL of tenantservice (a real process) at varied moments of restores in place, then a restart: every database
/// is whole and holds exactly what it held before the restore or exactly the restored snapshot, never a mix, its
/// record's version matches its file, its blocks are lifted, and a later restore still works.
/// </summary>
[Collection(TenantServiceCollection.Name)]
public sealed class RestoreCrashTests(RedisFixture redis, ITestOutputHelper output) : IDisposable
{
    private const int Kills = 8;
    private const string Standalone = "crash-notes";
    private const string Schema = "crash-schema";
    private const string Child = "crash-child";
    private static readonly Dictionary<string, string> Settings = new() { ["BACKUP_INTERVAL"] = "23:00:00" };

    private readonly string _dataDirectory = TestData.NewDataDirectory();

    public void Dispose() => TestData.DeleteDirectory(_dataDirectory);

    [Fact]
    public async Task KillingTheServiceMidRestoreLeavesEachDatabaseWholeAsBeforeOrAsRestored()
    {
        var layout = new DatabaseLayout(_dataDirectory);
        var service = await TenantServiceProcess.StartAsync(_dataDirectory, redis.ConnectionString, TenantServiceApp.Token, Settings);
        try
        {
            var api = new PlatformApi(service.Client);
            var snapshots = await PrepareAsync(api, layout);

            // One restore without a kill, on a fresh process as every later one is: what a finished restore holds, and how long one takes here.
            await service.DisposeAsync();
            service = await TenantServiceProcess.StartAsync(_dataDirectory, redis.ConnectionString, TenantServiceApp.Token, Settings);
            api = new PlatformApi(service.Client);
            var restored = new Dictionary<string, string>();
            var clock = Stopwatch.StartNew();
            foreach (var (name, timestamp) in snapshots)
            {
                Rewrite(layout, name, round: 0);
                using var response = await service.Client.PostAsJsonAsync($"{api.Base}/{name}/restore", new { timestamp });
                await PlatformApi.ReadAsync(response, HttpStatusCode.OK);
                restored[name] = Content(layout, name);
            }

            var restoreTime = clock.Elapsed;
            output.WriteLine($"{snapshots.Count} restores took {restoreTime.TotalMilliseconds:0} ms uninterrupted");
            var outcomes = new List<string>();
            for (var round = 1; round <= Kills; round++)
            {
                var before = snapshots.Keys.ToDictionary(name => name, name =>
                {
                    Rewrite(layout, name, round);
                    return Content(layout, name);
                });

                // Both restores at once, the kill spread from right away to the time both took one after the other.
                var requests = snapshots.Select(snapshot => RestoreUntilKilledAsync(service.Client, api, snapshot.Key, snapshot.Value)).ToList();
                await Task.Delay(restoreTime * (round - 1) / (Kills - 1));
                service.Kill();
                var answers = await Task.WhenAll(requests);
                await service.DisposeAsync();

                service = await TenantServiceProcess.StartAsync(_dataDirectory, redis.ConnectionString, TenantServiceApp.Token, Settings);
                api = new PlatformApi(service.Client);
                foreach (var name in snapshots.Keys)
                {
                    var content = await AssertWholeAsync(api, layout, name);
                    var outcome = content == restored[name] ? "restored" : content == before[name] ? "as before" : "a mix";
                    Assert.True(outcome != "a mix", $"round {round}: '{name}' holds neither its content before the restore nor the snapshot's");
                    outcomes.Add(outcome);
                }

                output.WriteLine($"round {round}: killed after {restoreTime.TotalMilliseconds * (round - 1) / (Kills - 1):0} ms, answers {string.Join(", ", answers)}; {string.Join(", ", outcomes.TakeLast(snapshots.Count))}");
            }

            AssertNoLeftovers(layout);
            foreach (var (name, timestamp) in snapshots)
            {
                Rewrite(layout, name, round: Kills + 1);
                using var response = await service.Client.PostAsJsonAsync($"{api.Base}/{name}/restore", new { timestamp });
                await PlatformApi.ReadAsync(response, HttpStatusCode.OK);
                Assert.Equal(restored[name], await AssertWholeAsync(api, layout, name));
            }

            output.WriteLine($"after {Kills} kills: {outcomes.Count(o => o == "restored")} restored, {outcomes.Count(o => o == "as before")} as before");
        }
        finally
        {
            await service.DisposeAsync();
        }
    }

    // A standalone database of about 2 MB, and a child whose schema is migrated after its snapshot, so its restore replays a migration.
    private static async Task<Dictionary<string, string>> PrepareAsync(PlatformApi api, DatabaseLayout layout)
    {
        await api.CreateOkAsync(new { name = Standalone });
        Run(layout, Standalone, "CREATE TABLE notes (id INTEGER PRIMARY KEY, tag TEXT NOT NULL, payload BLOB NOT NULL)");
        Run(layout, Standalone, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000) INSERT INTO notes (tag, payload) SELECT 'snapshot', randomblob(1000) FROM n");
        await api.CreateOkAsync(new { name = Schema, is_schema = true });
        await MigrateAsync(api, "CREATE TABLE notes (id INTEGER PRIMARY KEY, tag TEXT NOT NULL, payload BLOB NOT NULL)");
        await api.CreateOkAsync(new { name = Child, schema = Schema });
        Run(layout, Child, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 500) INSERT INTO notes (tag, payload) SELECT 'snapshot', randomblob(1000) FROM n");

        var snapshots = new Dictionary<string, string>();
        foreach (var name in new[] { Standalone, Child })
        {
            using var response = await api.PostAsync($"/{name}/backups", body: null);
            snapshots[name] = (string)(await PlatformApi.ReadAsync(response, HttpStatusCode.OK))["backup"]!["timestamp"]!;
        }

        await MigrateAsync(api, "ALTER TABLE notes ADD COLUMN done INTEGER NOT NULL DEFAULT 0");
        return snapshots;
    }

    private static async Task MigrateAsync(PlatformApi api, string sql)
    {
        using var response = await api.PostAsync($"/{Schema}/migrations", new { sql, wait = true });
        Assert.Equal("RunSuccess", (string)(await PlatformApi.ReadAsync(response, HttpStatusCode.OK))["status"]!);
    }

    // Sends a restore; the kill ends it with a broken connection unless it answered first.
    private static async Task<string> RestoreUntilKilledAsync(HttpClient client, PlatformApi api, string name, string timestamp)
    {
        try
        {
            using var response = await client.PostAsJsonAsync($"{api.Base}/{name}/restore", new { timestamp });
            return $"{name} {(int)response.StatusCode}";
        }
        catch (HttpRequestException)
        {
            return $"{name} cut off";
        }
    }

    // The file is whole, its record's version is the file's, its blocks are lifted, and the service reads it.
    private static async Task<string> AssertWholeAsync(PlatformApi api, DatabaseLayout layout, string name)
    {
        var path = layout.DatabasePath(DatabaseName.Parse(name));
        Assert.Equal("ok", Scalar(path, "PRAGMA integrity_check"));
        var record = (await api.GetOkAsync($"/{name}"))["database"]!;
        Assert.False((bool)record["block_writes"]!, $"'{name}' is still write-blocked after the restart");
        Assert.False((bool)record["block_reads"]!, $"'{name}' is still read-blocked after the restart");
        Assert.Equal((long)(int)record["version"]!, Scalar(path, "PRAGMA user_version"));
        Assert.Contains("INSERT INTO", await api.GetTextAsync($"/{name}/dump"));
        return Content(layout, name);
    }

    private static void AssertNoLeftovers(DatabaseLayout layout)
    {
        Assert.Empty(Directory.GetFiles(layout.DatabasesDirectory, "*.tmp*", SearchOption.AllDirectories));
        foreach (var path in Directory.GetFiles(layout.DatabasesDirectory, "*.db", SearchOption.AllDirectories))
        {
            Assert.Equal("ok", Scalar(path, "PRAGMA integrity_check"));
        }
    }

    // Changes a third of the rows and adds one, so the content before each restore differs from the snapshot's and from every other round's.
    private static void Rewrite(DatabaseLayout layout, string name, int round) =>
        Run(layout, name, $"UPDATE notes SET tag = 'round-{round}' WHERE id % 3 = {round % 3}; INSERT INTO notes (tag, payload) VALUES ('round-{round}', randomblob(100))");

    // Every row's every column, hashed: equal hashes mean exactly the same data.
    private static string Content(DatabaseLayout layout, string name)
    {
        using var connection = Open(layout, name);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT * FROM notes ORDER BY id";
        using var reader = command.ExecuteReader();
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        while (reader.Read())
        {
            for (var i = 0; i < reader.FieldCount; i++)
            {
                hash.AppendData(reader.GetValue(i) is byte[] bytes ? bytes : System.Text.Encoding.UTF8.GetBytes(Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture) + "|"));
            }
        }

        return Convert.ToHexString(hash.GetHashAndReset());
    }

    private static object? Scalar(string path, string sql)
    {
        using var connection = Open(path);
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    private static void Run(DatabaseLayout layout, string name, string sql)
    {
        using var connection = Open(layout, name);
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static SqliteConnection Open(DatabaseLayout layout, string name) => Open(layout.DatabasePath(DatabaseName.Parse(name)));

    // Read-write even to read: a kill can leave a WAL without its shared memory, which a read-only connection cannot rebuild.
    private static SqliteConnection Open(string path)
    {
        var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA busy_timeout = 5000";
        command.ExecuteNonQuery();
        return connection;
    }
}
