using Testing;

namespace Migrations.Tests;

[Collection(MigrationsCollection.Name)]
public sealed class ConcurrencyTests(RedisFixture redis) : MigrationFixture(redis)
{
    // One database at a time, each after a pause: jobs last long enough to act while they run.
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["MIGRATION_PARALLELISM"] = "1",
        ["MIGRATION_TASK_DELAY_MS"] = "400",
    };

    [Fact]
    public async Task ChildrenCreatedDuringAJobEndAtTheNewVersion()
    {
        var children = Enumerable.Range(1, 5).Select(i => $"crm-{i}").ToArray();
        await CreateSchemaWithChildrenAsync("crm-schema", "CREATE TABLE contacts (id INTEGER PRIMARY KEY);", children);

        var id = await Api.SubmitAsync("crm-schema", "ALTER TABLE contacts ADD COLUMN email TEXT;");
        var created = new List<string>();
        for (var i = 1; i <= 4; i++)
        {
            var name = $"crm-late-{i}";
            await Api.CreateChildAsync(name, "crm-schema");
            created.Add(name);
            await Task.Delay(150);
        }

        var job = await Api.WaitForJobAsync("crm-schema", id);

        Assert.Equal("RunSuccess", (string)job["status"]!);
        foreach (var name in children.Concat(created))
        {
            Assert.True(TestData.HasColumn(DataDirectory, name, "contacts", "email"), name);
            Assert.Equal(2, TestData.UserVersion(DataDirectory, name));
            Assert.Equal(2, (int)(await Api.DatabaseAsync(name))["version"]!);
        }

        await Api.CreateChildAsync("crm-after", "crm-schema");
        Assert.True(TestData.HasColumn(DataDirectory, "crm-after", "contacts", "email"));
    }

    [Fact]
    public async Task JobsOfTwoSchemasRunTogetherWhileASecondJobOnOneSchemaQueues()
    {
        await CreateSchemaWithChildrenAsync("alpha-schema", "CREATE TABLE a (x);", "alpha-1", "alpha-2", "alpha-3", "alpha-4");
        await CreateSchemaWithChildrenAsync("beta-schema", "CREATE TABLE b (x);", "beta-1", "beta-2");

        var first = await Api.SubmitAsync("alpha-schema", "CREATE TABLE a2 (x);");
        var second = await Api.SubmitAsync("alpha-schema", "CREATE TABLE a3 (x);");
        var other = await Api.SubmitAsync("beta-schema", "CREATE TABLE b2 (x);");

        var queued = await Api.JobAsync("alpha-schema", second);
        Assert.Equal("WaitingDryRun", (string)queued["status"]!);
        Assert.Equal(first, (long)queued["queued_behind"]!);
        Assert.Empty(queued["progress"]!.AsArray());

        // The other schema's job gets going while the first alpha job is still busy.
        await Api.WaitForJobAsync("beta-schema", other, job => job["progress"]!.AsArray().Count > 0);
        Assert.DoesNotContain((string)(await Api.JobAsync("alpha-schema", first))["status"]!, PlatformClient.FinalStatuses);

        Assert.Equal("RunSuccess", (string)(await Api.WaitForJobAsync("alpha-schema", first))["status"]!);
        var secondDone = await Api.WaitForJobAsync("alpha-schema", second);
        Assert.Equal("RunSuccess", (string)secondDone["status"]!);
        Assert.Null(secondDone["queued_behind"]);
        Assert.Equal("RunSuccess", (string)(await Api.WaitForJobAsync("beta-schema", other))["status"]!);
        Assert.Equal(3, (int)(await Api.JobsAsync("alpha-schema"))["schema_version"]!);
        Assert.Equal(2, (int)(await Api.JobsAsync("beta-schema"))["schema_version"]!);
        Assert.True(TestData.HasTable(DataDirectory, "alpha-4", "a3"));
        Assert.Equal(3, TestData.UserVersion(DataDirectory, "alpha-4"));
    }
}
