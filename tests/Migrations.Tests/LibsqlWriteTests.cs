using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Testing;

namespace Migrations.Tests;

[Collection(MigrationsCollection.Name)]
public sealed class LibsqlWriteTests(RedisFixture redis) : MigrationFixture(redis)
{
    [Fact]
    public async Task ASchemaChangeSentOverLibsqlBecomesAJobThatReachesEveryChild()
    {
        await CreateSchemaWithChildrenAsync("wire-schema", "CREATE TABLE t (x);", "wire-a", "wire-b");

        using var response = await Api.Http.PostAsJsonAsync("/db/wire-schema/v2/pipeline", new
        {
            requests = new object[]
            {
                new { type = "execute", stmt = new { sql = "CREATE TABLE added_over_libsql (y TEXT)" } },
                new { type = "close" },
            },
        });
        var body = await PlatformClient.ReadAsync(response, HttpStatusCode.OK);

        var first = body["results"]!.AsArray()[0]!;
        Assert.True((string)first["type"]! == "ok", body.ToJsonString());
        var jobs = await Api.JobsAsync("wire-schema");
        Assert.Equal(2, (int)jobs["schema_version"]!);
        Assert.Equal("RunSuccess", (string)jobs["migrations"]!.AsArray()[0]!["status"]!);
        Assert.True(TestData.HasTable(DataDirectory, "wire-a", "added_over_libsql"));
        Assert.True(TestData.HasTable(DataDirectory, "wire-b", "added_over_libsql"));
    }

    [Fact]
    public async Task AFailingSchemaChangeOverLibsqlIsAnErrorNamingTheJob()
    {
        await CreateSchemaWithChildrenAsync("wirebad-schema", "CREATE TABLE t (x);", "wirebad-a");
        Execute("wirebad-a", "ALTER TABLE t ADD COLUMN y", "wirebad-schema", allowSchemaChanges: true);

        using var response = await Api.Http.PostAsJsonAsync("/db/wirebad-schema/v2/pipeline", new
        {
            requests = new object[] { new { type = "execute", stmt = new { sql = "ALTER TABLE t ADD COLUMN y" } } },
        });
        var body = await PlatformClient.ReadAsync(response, HttpStatusCode.OK);

        var first = (JsonObject)body["results"]!.AsArray()[0]!;
        Assert.Equal("error", (string)first["type"]!);
        Assert.Contains("DryRunFailure", first.ToJsonString());
        Assert.Contains("wirebad-a", first.ToJsonString());
        Assert.Contains("duplicate column name: y", first.ToJsonString());
        Assert.False(TestData.HasColumn(DataDirectory, "wirebad-schema", "t", "y"));
    }
}
