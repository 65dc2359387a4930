using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Testing;

namespace Migrations.Tests;

/// <summary>libSQL streams are writers like the todo API: they wait at a migration's write block and cannot hold a migration hostage.</summary>
[Collection(MigrationsCollection.Name)]
public sealed class LibsqlBlockTests(RedisFixture redis) : MigrationFixture(redis)
{
    // One database at a time, each task held open longer than a write waits at the block: a blocked write is refused.
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["MIGRATION_PARALLELISM"] = "1",
        ["MIGRATION_TASK_DELAY_MS"] = "1500",
        ["Tenancy:WriteBlockWait"] = "00:00:00.200",
    };

    [Fact]
    public async Task UnderRollingALibsqlWriteToTheChildBeingMigratedFailsWithARetryHintWhileReadsGoOn()
    {
        await CreateSchemaWithChildrenAsync("lroll-schema", "CREATE TABLE t (x);", "lroll-1", "lroll-2");

        var id = await Api.SubmitAsync("lroll-schema", "ALTER TABLE t ADD COLUMN y;", lockMode: "rolling");
        string? blocked = null;
        await WaitUntilAsync(async () =>
        {
            foreach (var child in new[] { "lroll-1", "lroll-2" })
            {
                if ((bool)(await Api.DatabaseAsync(child))["block_writes"]!)
                {
                    blocked = child;
                    return true;
                }
            }

            return false;
        });
        var results = await PipelineAsync(blocked!, "INSERT INTO t (x) VALUES (1)", "SELECT count(*) FROM t");

        Assert.Equal("SQLITE_BUSY", (string)results[0]!["error"]!["code"]!);
        Assert.Contains("being migrated", (string)results[0]!["error"]!["message"]!);
        Assert.Equal("ok", (string)results[1]!["type"]!);
        Assert.Equal("RunSuccess", (string)(await Api.WaitForJobAsync("lroll-schema", id))["status"]!);
        Assert.False((bool)(await Api.DatabaseAsync(blocked!))["block_writes"]!);
        Assert.Equal("ok", (string)(await PipelineAsync(blocked!, "INSERT INTO t (x, y) VALUES (1, 2)"))[0]!["type"]!);
    }

    [Fact]
    public async Task UnderAllEveryChildRefusesLibsqlWritesUntilTheJobEnds()
    {
        string[] children = ["lall-1", "lall-2", "lall-3"];
        await CreateSchemaWithChildrenAsync("lall-schema", "CREATE TABLE t (x);", children);

        var id = await Api.SubmitAsync("lall-schema", "ALTER TABLE t ADD COLUMN y;", lockMode: "all");
        await WaitUntilAsync(async () => (await Api.JobAsync("lall-schema", id))["progress"]!.AsArray().Any(task => (string)task!["status"]! == "Run"));

        foreach (var child in children)
        {
            Assert.True((bool)(await Api.DatabaseAsync(child))["block_writes"]!, $"{child} reports its write block");
            var results = await PipelineAsync(child, "INSERT INTO t (x) VALUES (1)", "SELECT count(*) FROM t");
            Assert.Equal("SQLITE_BUSY", (string)results[0]!["error"]!["code"]!);
            Assert.Equal("ok", (string)results[1]!["type"]!);
        }

        Assert.Equal("RunSuccess", (string)(await Api.WaitForJobAsync("lall-schema", id))["status"]!);
        foreach (var child in children)
        {
            Assert.Equal("ok", (string)(await PipelineAsync(child, "INSERT INTO t (x, y) VALUES (1, 2)"))[0]!["type"]!);
        }
    }

    [Fact]
    public async Task AnOpenLibsqlTransactionIsRolledBackSoTheMigrationGoesThrough()
    {
        await CreateSchemaWithChildrenAsync("hostage-schema", "CREATE TABLE t (x);", "hostage-1");
        using var opened = await Api.Http.PostAsJsonAsync("/db/hostage-1/v3/pipeline", Pipeline(null, "BEGIN IMMEDIATE", "INSERT INTO t (x) VALUES ('held')"));
        var body = await PlatformClient.ReadAsync(opened, HttpStatusCode.OK);
        Assert.All(body["results"]!.AsArray(), result => Assert.Equal("ok", (string)result!["type"]!));

        var job = await Api.MigrateAndWaitAsync("hostage-schema", "ALTER TABLE t ADD COLUMN y;");

        Assert.Equal("RunSuccess", (string)job["status"]!);
        Assert.True(TestData.HasColumn(DataDirectory, "hostage-1", "t", "y"));
        using var commit = await Api.Http.PostAsJsonAsync("/db/hostage-1/v3/pipeline", Pipeline((string)body["baton"]!, "COMMIT"));
        var error = await PlatformClient.ReadAsync(commit, HttpStatusCode.Conflict);
        Assert.Equal("SQLITE_ABORT", (string)error["code"]!);
        Assert.Contains("rolled back", (string)error["message"]!);
        Assert.Equal(0, TestData.Scalar(DataDirectory, "hostage-1", "SELECT count(*) FROM t"));
    }

    private async Task<JsonArray> PipelineAsync(string database, params string[] statements)
    {
        using var response = await Api.Http.PostAsJsonAsync($"/db/{database}/v3/pipeline", Pipeline(null, statements));
        return (await PlatformClient.ReadAsync(response, HttpStatusCode.OK))["results"]!.AsArray();
    }

    private static object Pipeline(string? baton, params string[] statements) => new
    {
        baton,
        requests = statements.Select(sql => (object)new { type = "execute", stmt = new { sql } }).ToArray(),
    };
}
