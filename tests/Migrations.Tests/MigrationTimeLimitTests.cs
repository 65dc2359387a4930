using Testing;

namespace Migrations.Tests;

/// <summary>One database's migration cannot run forever: past MIGRATION_DATABASE_TIMEOUT_MS it is interrupted and rolled back.</summary>
[Collection(MigrationsCollection.Name)]
public sealed class MigrationTimeLimitTests(RedisFixture redis) : MigrationFixture(redis)
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["MIGRATION_DATABASE_TIMEOUT_MS"] = "300",
    };

    [Fact]
    public async Task AMigrationThatRunsTooLongOnADatabaseFailsNamingTheLimitAndChangesNothing()
    {
        await CreateSchemaWithChildrenAsync("slow-schema", "CREATE TABLE t (x);", "slow-1");

        var job = await Api.MigrateAndWaitAsync("slow-schema",
            "CREATE TABLE counted AS WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1000000000) SELECT count(*) AS n FROM c;");

        Assert.Equal("DryRunFailure", (string)job["status"]!);
        Assert.Contains("ran longer than 0.3 s", job.ToJsonString());
        Assert.False(TestData.HasTable(DataDirectory, "slow-1", "counted"));
        Assert.False(TestData.HasTable(DataDirectory, "slow-schema", "counted"));
    }
}
