using Testing;

namespace Migrations.Tests;

[Collection(MigrationsCollection.Name)]
public sealed class WorkshopFlowTests(RedisFixture redis) : MigrationFixture(redis)
{
    private const string SlackTables =
        """
        CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
        CREATE TABLE channels (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
        CREATE TABLE messages (
            id INTEGER PRIMARY KEY,
            channel_id INTEGER NOT NULL REFERENCES channels (id),
            user_id INTEGER NOT NULL REFERENCES users (id),
            body TEXT NOT NULL
        );
        """;

    [Fact]
    public async Task ATableAddedToTheSchemaAppearsInEveryWorkspaceWithItsDataIntact()
    {
        await CreateSchemaWithChildrenAsync("slack-schema", SlackTables, "acme-workspace", "globex-workspace");
        Execute("acme-workspace", "INSERT INTO users VALUES (1, 'ada'); INSERT INTO channels VALUES (1, 'general'); INSERT INTO messages VALUES (1, 1, 1, 'hello acme');", "slack-schema");
        Execute("globex-workspace", "INSERT INTO users VALUES (1, 'bob'), (2, 'cy'); INSERT INTO channels VALUES (7, 'random'); INSERT INTO messages VALUES (1, 7, 2, 'hi globex'), (2, 7, 1, 'yo');", "slack-schema");

        var job = await Api.MigrateAndWaitAsync(
            "slack-schema",
            """
            CREATE TABLE direct_messages (
                id INTEGER PRIMARY KEY,
                from_user INTEGER NOT NULL REFERENCES users (id),
                to_user INTEGER NOT NULL REFERENCES users (id),
                body TEXT NOT NULL
            );
            """);

        Assert.Equal("RunSuccess", (string)job["status"]!);
        Assert.Null(job["error"]);
        Assert.Equal(
            [("acme-workspace", "Success"), ("globex-workspace", "Success"), ("slack-schema", "Success")],
            PlatformClient.Progress(job).Select(task => (task.Namespace, task.Status)).Order());
        foreach (var database in new[] { "slack-schema", "acme-workspace", "globex-workspace" })
        {
            Assert.True(TestData.HasTable(DataDirectory, database, "direct_messages"), database);
            Assert.Equal(2, TestData.UserVersion(DataDirectory, database));
            Assert.Equal(2, (int)(await Api.DatabaseAsync(database))["version"]!);
        }

        Assert.Equal(1, TestData.Scalar(DataDirectory, "acme-workspace", "SELECT count(*) FROM messages WHERE body = 'hello acme'"));
        Assert.Equal(2, TestData.Scalar(DataDirectory, "globex-workspace", "SELECT count(*) FROM messages"));
        Assert.Equal(2, TestData.Scalar(DataDirectory, "globex-workspace", "SELECT count(*) FROM users"));
        Execute("acme-workspace", "INSERT INTO direct_messages VALUES (1, 1, 1, 'note to self')", "slack-schema");

        var jobs = await Api.JobsAsync("slack-schema");
        Assert.Equal(2, (int)jobs["schema_version"]!);
        var listed = jobs["migrations"]!.AsArray().Select(entry => ((long)entry!["job_id"]!, (string)entry["status"]!)).ToList();
        Assert.Equal(2, listed.Count);
        Assert.Equal((long)job["job_id"]!, listed[0].Item1);
        Assert.True(listed[0].Item1 > listed[1].Item1, "newest first");
        Assert.All(listed, entry => Assert.Equal("RunSuccess", entry.Item2));

        // A workspace created afterwards starts with the new table.
        await Api.CreateChildAsync("initech-workspace", "slack-schema");
        Assert.True(TestData.HasTable(DataDirectory, "initech-workspace", "direct_messages"));
        Assert.Equal(2, TestData.UserVersion(DataDirectory, "initech-workspace"));
    }

    [Fact]
    public async Task BuiltInSchemaFilesAreAppliedAsJobsAtStart()
    {
        var jobs = await Api.JobsAsync("todos-schema");

        Assert.Equal(1, (int)jobs["schema_version"]!);
        var only = Assert.Single(jobs["migrations"]!.AsArray());
        Assert.Equal("RunSuccess", (string)only!["status"]!);
        Assert.True(TestData.HasTable(DataDirectory, "todos-schema", "todos"));
    }
}
