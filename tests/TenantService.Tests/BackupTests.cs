using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Tenancy.Databases;
using TenantService.Backups;
using Testing;

namespace TenantService.Tests;

/// <summary>Snapshots, listings, restores in place, branches and undeletes on a real DATA_DIR, with real Redis.</summary>
[Collection(TenantServiceCollection.Name)]
public sealed class BackupTests(RedisFixture redis) : IAsyncLifetime
{
    private readonly string _dataDirectory = TestData.NewDataDirectory();
    private TenantServiceApp _app = null!;
    private PlatformApi _api = null!;
    private HttpClient _client = null!;

    public Task InitializeAsync()
    {
        // No scheduled pass during a test: each runs its passes itself.
        _app = new TenantServiceApp(_dataDirectory, redis.ConnectionString, new Dictionary<string, string?> { ["BACKUP_INTERVAL"] = "23:00:00" });
        _client = _app.Platform();
        _api = new PlatformApi(_client);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        TestData.DeleteDirectory(_dataDirectory);
    }

    [Fact]
    public async Task BadBackupSettingsStopTheStartNamingEachOne()
    {
        var directory = TestData.NewDataDirectory();
        try
        {
            await using var app = new TenantServiceApp(directory, redis.ConnectionString, new Dictionary<string, string?>
            {
                ["BACKUP_INTERVAL"] = "hourly",
                ["BACKUP_RETENTION"] = "30d",
                ["BACKUP_PARALLELISM"] = "0",
            });
            var error = Assert.Throws<OptionsValidationException>(() => app.CreateClient());
            Assert.Equal(3, error.Failures.Count());
            Assert.Contains("BACKUP_INTERVAL is 'hourly'", error.Message, StringComparison.Ordinal);
            Assert.Contains("BACKUP_RETENTION is '30d'", error.Message, StringComparison.Ordinal);
            Assert.Contains("BACKUP_PARALLELISM is '0'", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            TestData.DeleteDirectory(directory);
        }
    }

    [Fact]
    public async Task APassSnapshotsChangedDatabasesAndSkipsUnchangedOnes()
    {
        await _api.CreateOkAsync(new { name = "quiet-db" });
        await _api.CreateOkAsync(new { name = "busy-db" });
        Execute("quiet-db", "CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('one')");
        Execute("busy-db", "CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('one')");
        // Files last written long ago: their marks are trusted at once (a mark near its file's write time is not).
        Age("quiet-db");
        Age("busy-db");

        var pass = _app.Services.GetRequiredService<BackupPass>();
        await pass.RunAsync(CancellationToken.None);
        Assert.Single(Snapshots("quiet-db"));
        Assert.Single(Snapshots("busy-db"));

        Execute("busy-db", "INSERT INTO notes VALUES ('two')");
        var second = await pass.RunAsync(CancellationToken.None);

        Assert.Single(Snapshots("quiet-db"));
        var busy = Snapshots("busy-db");
        Assert.Equal(2, busy.Count);
        Assert.Equal(["one", "two"], DatabasesWorkflowTests.Query(busy[0].Path, "SELECT body FROM notes ORDER BY body"));
        Assert.Equal(["one"], DatabasesWorkflowTests.Query(busy[1].Path, "SELECT body FROM notes"));
        Assert.True(second.Unchanged >= 1, $"quiet-db was not skipped: {second}");
    }

    [Fact]
    public async Task BackupsAreListedNewestFirstWithSizeAndVersion()
    {
        await _api.CreateOkAsync(new { name = "listed", schema = "todos-schema" });
        var first = await TakeAsync("listed");
        var second = await TakeAsync("listed");

        var backups = (await _api.GetOkAsync("/listed/backups"))["backups"]!.AsArray();
        Assert.Equal([second, first], backups.Select(backup => (string)backup!["timestamp"]!));
        Assert.All(backups, backup => Assert.Equal(1, (int)backup!["version"]!));
        Assert.All(backups, backup => Assert.True((long)backup!["size"]! > 0));
    }

    [Fact]
    public async Task RestoreBringsBackTheDataOfTheLatestSnapshotAtOrBeforeTheTime()
    {
        await _api.CreateOkAsync(new { name = "restored" });
        Execute("restored", "CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('before')");
        var taken = await TakeAsync("restored");
        Execute("restored", "DELETE FROM notes; INSERT INTO notes VALUES ('mistake')");
        // The service holds the database open: the restore must close it everywhere.
        Assert.Contains("mistake", await _api.GetTextAsync("/restored/dump"));

        var later = DateTimeOffset.Parse(taken, System.Globalization.CultureInfo.InvariantCulture).AddSeconds(1);
        using var response = await RestoreAsync("restored", later.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture));
        var body = await PlatformApi.ReadAsync(response, HttpStatusCode.OK);

        Assert.Equal(taken, (string)body["restored_from"]!);
        Assert.Equal("restored", (string)body["database"]!["Name"]!);
        Assert.False((bool)body["database"]!["block_writes"]!);
        var dump = await _api.GetTextAsync("/restored/dump");
        Assert.Contains("before", dump);
        Assert.DoesNotContain("mistake", dump);
        Assert.Equal(["ok"], DatabasesWorkflowTests.Query(Path("restored"), "PRAGMA integrity_check"));
        // Writes go on after the restore.
        Execute("restored", "INSERT INTO notes VALUES ('after')");
    }

    [Fact]
    public async Task AChildRestoredFromBeforeAMigrationComesBackAtTheCurrentVersion()
    {
        await _api.CreateOkAsync(new { name = "shop-schema", is_schema = true });
        await MigrateAsync("shop-schema", "CREATE TABLE orders (id INTEGER PRIMARY KEY, item TEXT)");
        await _api.CreateOkAsync(new { name = "shop-one", schema = "shop-schema" });
        ExecuteChild("shop-one", "INSERT INTO orders (item) VALUES ('tea')");
        var taken = await TakeAsync("shop-one");
        await MigrateAsync("shop-schema", "ALTER TABLE orders ADD COLUMN quantity INTEGER NOT NULL DEFAULT 1");
        Assert.Equal(2, (int)(await _api.GetOkAsync("/shop-one"))["database"]!["version"]!);

        using var response = await RestoreAsync("shop-one", taken);
        var body = await PlatformApi.ReadAsync(response, HttpStatusCode.OK);

        Assert.Equal(2, (int)body["database"]!["version"]!);
        Assert.Equal(1, (int)(await _api.GetOkAsync("/shop-one/backups"))["backups"]!.AsArray()[0]!["version"]!);
        Assert.Equal(["tea:1"], DatabasesWorkflowTests.Query(Path("shop-one"), "SELECT item || ':' || quantity FROM orders"));
        Assert.Equal(["2"], DatabasesWorkflowTests.Query(Path("shop-one"), "SELECT CAST(user_version AS TEXT) FROM pragma_user_version"));
    }

    [Fact]
    public async Task BadRestoresAreRefusedNamingTheProblemAndChangeNothing()
    {
        await _api.CreateOkAsync(new { name = "kept-db" });
        Execute("kept-db", "CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('now')");

        using (var unknown = await RestoreAsync("no-such-db", "2026-11-30T21:00:00Z"))
        {
            Assert.Contains("no-such-db", await PlatformApi.ErrorAsync(unknown, HttpStatusCode.NotFound));
        }

        using (var none = await RestoreAsync("kept-db", "2026-11-30T21:00:00Z"))
        {
            Assert.Contains("no snapshots", await PlatformApi.ErrorAsync(none, HttpStatusCode.BadRequest));
        }

        var taken = DateTimeOffset.Parse(await TakeAsync("kept-db"), System.Globalization.CultureInfo.InvariantCulture);
        using (var early = await RestoreAsync("kept-db", taken.AddDays(-1).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture)))
        {
            Assert.Contains("before the oldest snapshot", await PlatformApi.ErrorAsync(early, HttpStatusCode.BadRequest));
        }

        foreach (var malformed in new[] { "yesterday", "2026-11-30", "2026-11-30T21:00:00" })
        {
            using var bad = await RestoreAsync("kept-db", malformed);
            Assert.Contains("'timestamp'", await PlatformApi.ErrorAsync(bad, HttpStatusCode.BadRequest));
        }

        using (var missing = await _client.PostAsJsonAsync($"{_api.Base}/kept-db/restore", new { }))
        {
            Assert.Contains("'timestamp' is required", await PlatformApi.ErrorAsync(missing, HttpStatusCode.BadRequest));
        }

        using (var badName = await RestoreAsync("Bad_Name", "2026-11-30T21:00:00Z"))
        {
            await PlatformApi.ErrorAsync(badName, HttpStatusCode.BadRequest);
        }

        Execute("kept-db", "INSERT INTO notes VALUES ('still writable')");
        Assert.Equal(["now", "still writable"], DatabasesWorkflowTests.Query(Path("kept-db"), "SELECT body FROM notes"));
        Assert.False((bool)(await _api.GetOkAsync("/kept-db"))["database"]!["block_writes"]!);
    }

    [Fact]
    public async Task ARestoreWhileAMigrationOfItsSchemaRunsIsRefused()
    {
        var directory = TestData.NewDataDirectory();
        try
        {
            // Each database's run task pauses, so the job is still running when the restore comes.
            await using var app = new TenantServiceApp(directory, redis.ConnectionString, new Dictionary<string, string?>
            {
                ["BACKUP_INTERVAL"] = "23:00:00",
                ["MIGRATION_TASK_DELAY_MS"] = "3000",
            });
            var client = app.Platform();
            var api = new PlatformApi(client);
            await api.CreateOkAsync(new { name = "slow-schema", is_schema = true });
            await api.CreateOkAsync(new { name = "slow-child", schema = "slow-schema" });
            using var taken = await client.PostAsync($"{api.Base}/slow-child/backups", null);
            var timestamp = (string)(await PlatformApi.ReadAsync(taken, HttpStatusCode.OK))["backup"]!["timestamp"]!;
            using var submitted = await client.PostAsJsonAsync($"{api.Base}/slow-schema/migrations", new { sql = "CREATE TABLE later (id INTEGER)" });
            await PlatformApi.ReadAsync(submitted, HttpStatusCode.OK);

            using var refused = await client.PostAsJsonAsync($"{api.Base}/slow-child/restore", new { timestamp });

            Assert.Contains("migration job", await PlatformApi.ErrorAsync(refused, HttpStatusCode.Conflict));
        }
        finally
        {
            TestData.DeleteDirectory(directory);
        }
    }

    [Fact]
    public async Task ADeletedDatabasesFinalBackupIsListed()
    {
        await _api.CreateOkAsync(new { name = "gone-db", schema = "todos-schema" });
        using (var deleted = await _api.DeleteAsync("gone-db"))
        {
            Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        }

        var backups = (await _api.GetOkAsync("/gone-db/backups"))["backups"]!.AsArray();
        Assert.Equal(1, (int)Assert.Single(backups)!["version"]!);
        using var never = await _api.GetAsync("/never-existed/backups");
        await PlatformApi.ErrorAsync(never, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task ADeletedChildComesBackFromItsBackupAsAChildAtTheCurrentVersion()
    {
        await _api.CreateOkAsync(new { name = "undo-schema", is_schema = true });
        await MigrateAsync("undo-schema", "CREATE TABLE items (body TEXT)");
        await _api.CreateOkAsync(new { name = "undo-child", schema = "undo-schema", group = "eu" });
        ExecuteChild("undo-child", "INSERT INTO items VALUES ('precious')");
        using (var deleted = await _api.DeleteAsync("undo-child"))
        {
            Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        }

        await MigrateAsync("undo-schema", "ALTER TABLE items ADD COLUMN done INTEGER NOT NULL DEFAULT 0");

        var back = (await _api.CreateOkAsync(new { name = "undo-child", seed = new { type = "backup", name = "undo-child" } }))["database"]!;

        Assert.Equal("undo-schema", (string)back["schema"]!);
        Assert.Equal("eu", (string)back["group"]!);
        Assert.Equal(2, (int)back["version"]!);
        Assert.Equal(["precious:0"], DatabasesWorkflowTests.Query(Path("undo-child"), "SELECT body || ':' || done FROM items"));
        Assert.Equal(["undo-child"], await _api.NamesAsync("?schema=undo-schema"));
    }

    [Fact]
    public async Task AnUndeletedChildCatchesUpWithAMigrationThatFinishedAfterItsSeedWasPrepared()
    {
        await _api.CreateOkAsync(new { name = "late-schema", is_schema = true });
        await MigrateAsync("late-schema", "CREATE TABLE items (body TEXT)");
        await _api.CreateOkAsync(new { name = "late-child", schema = "late-schema" });
        ExecuteChild("late-child", "INSERT INTO items VALUES ('kept')");
        using (var deleted = await _api.DeleteAsync("late-child"))
        {
            Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        }

        var name = DatabaseName.Parse("late-child");
        var (seed, problem) = _app.Services.GetRequiredService<SnapshotSeeds>().Prepare(new Apis.DatabaseSeed { Type = "backup", Name = "late-child" }, name, isSchema: false);
        Assert.Null(problem);
        // The interleaving a create can meet: a migration runs to its end between the seed's preparation and the create's schema lock.
        await MigrateAsync("late-schema", "ALTER TABLE items ADD COLUMN done INTEGER NOT NULL DEFAULT 0");
        using (seed)
        {
            var created = await _app.Services.GetRequiredService<Databases.DatabaseProvisioner>().CreateAsync(new Databases.DatabaseSpec(name, Prepared: seed), CancellationToken.None);
            Assert.Equal(Databases.ProvisionOutcome.Created, created.Outcome);
        }

        Assert.Equal(2, (int)(await _api.GetOkAsync("/late-child"))["database"]!["version"]!);
        Assert.Equal(["2"], DatabasesWorkflowTests.Query(Path("late-child"), "SELECT CAST(user_version AS TEXT) FROM pragma_user_version"));
        Assert.Equal(["kept:0"], DatabasesWorkflowTests.Query(Path("late-child"), "SELECT body || ':' || done FROM items"));
    }

    [Fact]
    public async Task ABranchAsOfATimeHoldsTheDataOfThen()
    {
        await _api.CreateOkAsync(new { name = "trunk" });
        Execute("trunk", "CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('then')");
        var taken = await TakeAsync("trunk");
        Execute("trunk", "INSERT INTO notes VALUES ('now')");

        var branch = (await _api.CreateOkAsync(new { name = "branch", seed = new { type = "database", name = "trunk", timestamp = taken } }))["database"]!;

        Assert.Null(branch["schema"]);
        Assert.Equal(["then"], DatabasesWorkflowTests.Query(Path("branch"), "SELECT body FROM notes"));
        Assert.Equal(["then", "now"], DatabasesWorkflowTests.Query(Path("trunk"), "SELECT body FROM notes"));
    }

    [Fact]
    public async Task BadSeedsAreRefusedNamingTheProblem()
    {
        using (var none = await _api.CreateAsync(new { name = "from-nothing", seed = new { type = "backup", name = "never-was" } }))
        {
            Assert.Contains("has no backups", await PlatformApi.ErrorAsync(none, HttpStatusCode.NotFound));
        }

        using (var malformed = await _api.CreateAsync(new { name = "from-when", seed = new { type = "database", name = "todos-schema", timestamp = "noon" } }))
        {
            Assert.Contains("'seed.timestamp'", await PlatformApi.ErrorAsync(malformed, HttpStatusCode.BadRequest));
        }

        await _api.CreateOkAsync(new { name = "young" });
        var taken = DateTimeOffset.Parse(await TakeAsync("young"), System.Globalization.CultureInfo.InvariantCulture);
        var before = taken.AddHours(-1).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        using (var early = await _api.CreateAsync(new { name = "too-early", seed = new { type = "database", name = "young", timestamp = before } }))
        {
            Assert.Contains("before the oldest snapshot", await PlatformApi.ErrorAsync(early, HttpStatusCode.BadRequest));
        }

        using (var taken409 = await _api.CreateAsync(new { name = "young", seed = new { type = "backup", name = "young" } }))
        {
            await PlatformApi.ErrorAsync(taken409, HttpStatusCode.Conflict);
        }

        Assert.Equal(["young"], await _api.NamesAsync("?type=standalone"));
        Assert.Empty(Directory.GetFiles(System.IO.Path.GetDirectoryName(Path("young"))!, "*.tmp"));
    }

    private async Task<string> TakeAsync(string name)
    {
        using var response = await _client.PostAsync($"{_api.Base}/{name}/backups", null);
        var body = await PlatformApi.ReadAsync(response, HttpStatusCode.OK);
        return (string)body["backup"]!["timestamp"]!;
    }

    private Task<HttpResponseMessage> RestoreAsync(string name, string timestamp) =>
        _client.PostAsJsonAsync($"{_api.Base}/{name}/restore", new { timestamp });

    private async Task MigrateAsync(string schema, string sql)
    {
        using var response = await _client.PostAsJsonAsync($"{_api.Base}/{schema}/migrations", new { sql, wait = true });
        var body = await PlatformApi.ReadAsync(response, HttpStatusCode.OK);
        Assert.Equal("RunSuccess", (string)body["status"]!);
    }

    private IReadOnlyList<Snapshot> Snapshots(string name) => _app.Services.GetRequiredService<SnapshotStore>().List(DatabaseName.Parse(name));

    private string Path(string name) => _app.Layout.DatabasePath(DatabaseName.Parse(name));

    private void Age(string name)
    {
        var longAgo = DateTime.UtcNow.AddHours(-1);
        File.SetLastWriteTimeUtc(Path(name), longAgo);
        if (File.Exists(Path(name) + "-wal"))
        {
            File.SetLastWriteTimeUtc(Path(name) + "-wal", longAgo);
        }
    }

    private void Execute(string database, string sql) => Run(database, DatabaseKind.Standalone, sql);

    private void ExecuteChild(string database, string sql) => Run(database, DatabaseKind.Child, sql);

    private void Run(string database, DatabaseKind kind, string sql)
    {
        using var connection = _app.DatabaseFactory.Open(DatabaseName.Parse(database), kind);
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
