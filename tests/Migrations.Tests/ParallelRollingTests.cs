using Testing;

namespace Migrations.Tests;

[Collection(MigrationsCollection.Name)]
public sealed class ParallelRollingTests(RedisFixture redis) : MigrationFixture(redis)
{
    // Many children at once: their block and release records share platform.db transactions.
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?> { ["MIGRATION_PARALLELISM"] = "16" };

    [Fact]
    public async Task EveryChildOfAWideRollingJobEndsMigratedUnblockedAndRecordedAtTheNewVersion()
    {
        var children = Enumerable.Range(1, 40).Select(i => $"wide-{i}").ToArray();
        await CreateSchemaWithChildrenAsync("wide-schema", "CREATE TABLE notes (id INTEGER PRIMARY KEY);", children);

        var job = await Api.MigrateAndWaitAsync("wide-schema", "ALTER TABLE notes ADD COLUMN body TEXT;", "rolling");

        Assert.Equal("RunSuccess", (string)job["status"]!);
        foreach (var name in children)
        {
            Assert.True(TestData.HasColumn(DataDirectory, name, "notes", "body"), name);
            var database = await Api.DatabaseAsync(name);
            Assert.Equal(2, (int)database["version"]!);
            Assert.False((bool)database["block_writes"]!, $"{name} is no longer write-blocked");
        }
    }
}
