using Tenancy.Databases;
using Tenancy.Metadata;
using Testing;

namespace Migrations.Tests;

[Collection(MigrationsCollection.Name)]
public sealed class CrashTests(RedisFixture redis) : IDisposable
{
    private const int Children = 30;

    // Slow enough to be killed mid-run: one database at a time, each after a pause.
    private static readonly Dictionary<string, string> Slow = new()
    {
        ["MIGRATION_PARALLELISM"] = "2",
        ["MIGRATION_TASK_DELAY_MS"] = "100",
    };

    private readonly string _dataDirectory = TestData.NewDataDirectory();

    public void Dispose() => TestData.DeleteDirectory(_dataDirectory);

    [Theory]
    [InlineData("rolling")]
    [InlineData("all")]
    public async Task AJobKilledMidRunFinishesAfterRestartWithEveryDatabaseMigratedOnce(string lockMode)
    {
        var names = Enumerable.Range(1, Children).Select(i => $"crash-{i:D2}").ToArray();
        long id;
        await using (var first = await TenantServiceProcess.StartAsync(_dataDirectory, redis.ConnectionString, MigrationsApp.Token, Slow))
        {
            var api = new PlatformClient(first.Client);
            await api.CreateSchemaAsync("crash-schema");
            await api.MigrateAndWaitAsync("crash-schema", "CREATE TABLE items (id INTEGER PRIMARY KEY); CREATE TABLE applied (n INTEGER);");
            foreach (var name in names)
            {
                await api.CreateChildAsync(name, "crash-schema");
            }

            // The INSERT makes a second application visible: each database must end with exactly one row.
            id = await api.SubmitAsync("crash-schema", "ALTER TABLE items ADD COLUMN note TEXT; INSERT INTO applied (n) VALUES (1);", lockMode: lockMode);
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (names.Count(name => TestData.UserVersion(_dataDirectory, name) == 2) < 5)
            {
                Assert.True(DateTime.UtcNow < deadline, "the job did not get going:\n" + first.RecentOutput);
                await Task.Delay(20);
            }

            first.Kill();
        }

        var migratedBeforeRestart = names.Count(name => TestData.UserVersion(_dataDirectory, name) == 2);
        Assert.InRange(migratedBeforeRestart, 5, Children - 1);
        Assert.Equal(1, TestData.UserVersion(_dataDirectory, "crash-schema"));

        await using var second = await TenantServiceProcess.StartAsync(_dataDirectory, redis.ConnectionString, MigrationsApp.Token, Slow);
        var restarted = new PlatformClient(second.Client);
        var job = await restarted.WaitForJobAsync("crash-schema", id, timeoutSeconds: 120);

        Assert.True((string)job["status"]! == "RunSuccess", job.ToJsonString() + "\n" + second.RecentOutput);
        foreach (var name in names.Append("crash-schema"))
        {
            Assert.Equal(2, TestData.UserVersion(_dataDirectory, name));
            Assert.True(TestData.HasColumn(_dataDirectory, name, "items", "note"), name);
            Assert.Equal(1, TestData.Scalar(_dataDirectory, name, "SELECT count(*) FROM applied"));
        }

        Assert.Equal(2, (int)(await restarted.JobsAsync("crash-schema"))["schema_version"]!);
        // Blocks published before the kill were lifted by the resumed job.
        var store = new TenantMetadataStore(redis.Connection);
        foreach (var name in names)
        {
            var record = await store.GetAsync(DatabaseName.Parse(name));
            Assert.False(record!.BlockWrites, name);
            Assert.Equal(2, record.Version);
        }
    }
}
