using System.Net;
using Microsoft.Data.Sqlite;
using Tenancy.Databases;
using Testing;

namespace TenantService.Tests;

[Collection(TenantServiceCollection.Name)]
public sealed class DatabasesWorkflowTests(RedisFixture redis) : IAsyncLifetime
{
    private readonly string _dataDirectory = TestData.NewDataDirectory();
    private TenantServiceApp _app = null!;
    private PlatformApi _api = null!;

    public Task InitializeAsync()
    {
        _app = new TenantServiceApp(_dataDirectory, redis.ConnectionString);
        _api = new PlatformApi(_app.Platform());
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        TestData.DeleteDirectory(_dataDirectory);
    }

    [Fact]
    public async Task TheMultiDbSchemasWorkflowRunsEndToEnd()
    {
        // 1. A schema database.
        var schema = await _api.CreateOkAsync(new { name = "slack-schema", is_schema = true });
        var created = schema["database"]!;
        Assert.Equal("slack-schema", (string)created["Name"]!);
        Assert.Equal("localhost:8080/db/slack-schema", (string)created["Hostname"]!);
        Assert.True(Guid.TryParse((string)created["DbId"]!, out _));
        Assert.True((bool)created["is_schema"]!);

        // 2. Its tables, written straight into the file as a migration would.
        Execute("slack-schema", DatabaseKind.Schema, "CREATE TABLE channels (id INTEGER PRIMARY KEY, name TEXT NOT NULL)");

        // 3. Children start with the schema's tables.
        var child = (await _api.CreateOkAsync(new { name = "workspace1-slack", schema = "slack-schema" }))["database"]!;
        Assert.Equal("slack-schema", (string)child["schema"]!);
        Assert.False((bool)child["is_schema"]!);
        Assert.Equal("default", (string)child["group"]!);
        Assert.False((bool)child["block_reads"]!);
        Assert.False((bool)child["block_writes"]!);
        await _api.CreateOkAsync(new { name = "workspace2-slack", schema = "slack-schema" });
        await _api.CreateOkAsync(new { name = "standalone-db" });

        // 4. Listings.
        Assert.Equal(["workspace1-slack", "workspace2-slack"], await _api.NamesAsync("?schema=slack-schema"));
        Assert.Equal(["slack-schema", "todos-schema", "workspace-schema"], await _api.NamesAsync("?type=schema"));
        var one = await _api.GetOkAsync("/workspace1-slack");
        Assert.Equal((string)child["DbId"]!, (string)one["database"]!["DbId"]!);

        // 5. A child's tables.
        var tables = await _api.GetTextAsync("/workspace1-slack/schema");
        Assert.Contains("CREATE TABLE channels", tables);

        // 6. Export.
        Execute("workspace1-slack", DatabaseKind.Child, "INSERT INTO channels (name) VALUES ('general')");
        var dump = await _api.GetTextAsync("/workspace1-slack/dump");
        Assert.Contains("CREATE TABLE channels", dump);
        Assert.Contains("general", dump);

        // 7. A schema with children is not deleted; a child is, after a backup.
        using (var refused = await _api.DeleteAsync("slack-schema"))
        {
            var message = await PlatformApi.ErrorAsync(refused, HttpStatusCode.Conflict);
            Assert.Contains("2 children", message);
        }

        using (var deleted = await _api.DeleteAsync("workspace1-slack"))
        {
            var body = await PlatformApi.ReadAsync(deleted, HttpStatusCode.OK);
            Assert.Equal("workspace1-slack", (string)body["database"]!);
        }

        var backups = Directory.GetFiles(_app.Layout.BackupsDirectory(DatabaseName.Parse("workspace1-slack")), "*.db");
        var backup = Assert.Single(backups);
        Assert.Equal(["general"], Query(backup, "SELECT name FROM channels"));
        Assert.False(File.Exists(_app.Layout.DatabasePath(DatabaseName.Parse("workspace1-slack"))));
        using (var gone = await _api.GetAsync("/workspace1-slack"))
        {
            await PlatformApi.ErrorAsync(gone, HttpStatusCode.NotFound);
        }

        using (var last = await _api.DeleteAsync("workspace2-slack"))
        {
            Assert.Equal(HttpStatusCode.OK, last.StatusCode);
        }

        using (var schemaDeleted = await _api.DeleteAsync("slack-schema"))
        {
            Assert.Equal(HttpStatusCode.OK, schemaDeleted.StatusCode);
        }

        // 8. A seed copy keeps the data.
        Execute("standalone-db", DatabaseKind.Standalone, "CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('kept')");
        var copy = (await _api.CreateOkAsync(new { name = "standalone-copy", seed = new { type = "database", name = "standalone-db" } }))["database"]!;
        Assert.Null(copy["schema"]);
        Assert.Equal(["kept"], Query(_app.Layout.DatabasePath(DatabaseName.Parse("standalone-copy")), "SELECT body FROM notes"));
    }

    [Fact]
    public async Task ChildrenStartEmptyEvenWhenTheSchemaDatabaseHoldsRows()
    {
        await _api.CreateOkAsync(new { name = "rows-schema", is_schema = true });
        Execute("rows-schema", DatabaseKind.Schema,
            "CREATE TABLE items (id INTEGER PRIMARY KEY AUTOINCREMENT, body TEXT); CREATE INDEX items_body ON items (body); INSERT INTO items (body) VALUES ('schema-only row')");

        await _api.CreateOkAsync(new { name = "rows-child", schema = "rows-schema" });

        var path = _app.Layout.DatabasePath(DatabaseName.Parse("rows-child"));
        Assert.Empty(Query(path, "SELECT body FROM items"));
        Assert.Contains("items_body", Query(path, "SELECT name FROM sqlite_schema WHERE type = 'index'"));
        Assert.DoesNotContain("schema-only row", File.ReadAllText(path));
    }

    [Fact]
    public async Task ARowWrittenInOneChildIsNeverVisibleInAnother()
    {
        await _api.CreateOkAsync(new { name = "iso-schema", is_schema = true });
        Execute("iso-schema", DatabaseKind.Schema, "CREATE TABLE secrets (value TEXT)");
        string[] children = ["iso-a", "iso-b", "iso-c"];
        foreach (var name in children)
        {
            await _api.CreateOkAsync(new { name, schema = "iso-schema" });
        }

        foreach (var name in children)
        {
            Execute(name, DatabaseKind.Child, $"INSERT INTO secrets VALUES ('{name}-secret')");
        }

        foreach (var name in children)
        {
            Assert.Equal([$"{name}-secret"], Query(_app.Layout.DatabasePath(DatabaseName.Parse(name)), "SELECT value FROM secrets"));
            var dump = await _api.GetTextAsync($"/{name}/dump");
            foreach (var other in children.Where(other => other != name))
            {
                Assert.DoesNotContain($"{other}-secret", dump);
            }
        }

        Assert.Empty(Query(_app.Layout.DatabasePath(DatabaseName.Parse("iso-schema")), "SELECT value FROM secrets"));
    }

    [Fact]
    public async Task TheBuiltInSchemasExistWithTheirTablesAtVersionOne()
    {
        var todos = (await _api.GetOkAsync("/todos-schema"))["database"]!;
        Assert.True((bool)todos["is_schema"]!);
        Assert.Equal(1, (int)todos["version"]!);

        await _api.CreateOkAsync(new { name = "a-user", schema = "todos-schema" });
        var user = (await _api.GetOkAsync("/a-user"))["database"]!;
        Assert.Equal(1, (int)user["version"]!);
        var tables = await _api.GetTextAsync("/a-user/schema");
        Assert.Contains("CREATE TABLE todos", tables);
        Assert.Contains("todos_newest_first", tables);

        await _api.CreateOkAsync(new { name = "an-org", schema = "workspace-schema" });
        var workspace = await _api.GetTextAsync("/an-org/schema");
        Assert.Contains("CREATE TABLE users", workspace);
        Assert.Contains("CREATE TABLE channels", workspace);
        Assert.Contains("CREATE TABLE messages", workspace);
    }

    [Fact]
    public async Task ListingsFilterByGroupAndType()
    {
        await _api.CreateOkAsync(new { name = "eu-one", group = "eu" });
        await _api.CreateOkAsync(new { name = "eu-two", group = "eu", schema = "todos-schema" });
        await _api.CreateOkAsync(new { name = "us-one", group = "us" });

        Assert.Equal(["eu-one", "eu-two"], await _api.NamesAsync("?group=eu"));
        Assert.Equal(["eu-two"], await _api.NamesAsync("?group=eu&type=child"));
        Assert.Equal(["eu-one", "us-one"], await _api.NamesAsync("?type=standalone"));
        Assert.Empty(await _api.NamesAsync("?schema=no-such-schema"));
    }

    [Fact]
    public async Task ASchemaChangedAfterChildrenExistReachesOnlyNewChildren()
    {
        await _api.CreateOkAsync(new { name = "moving-schema", is_schema = true });
        Execute("moving-schema", DatabaseKind.Schema, "CREATE TABLE first (id INTEGER)");
        await _api.CreateOkAsync(new { name = "early-child", schema = "moving-schema" });
        Execute("moving-schema", DatabaseKind.Schema, "CREATE TABLE second (id INTEGER)");
        await _api.CreateOkAsync(new { name = "late-child", schema = "moving-schema" });

        Assert.DoesNotContain("second", await _api.GetTextAsync("/early-child/schema"));
        Assert.Contains("CREATE TABLE second", await _api.GetTextAsync("/late-child/schema"));
    }

    [Fact]
    public async Task FilesPreparedBeforeASchemaChangeAreNeverHandedOut()
    {
        await _api.CreateOkAsync(new { name = "pooled-schema", is_schema = true });
        Execute("pooled-schema", DatabaseKind.Schema, "CREATE TABLE before_change (id INTEGER)");
        await _api.CreateOkAsync(new { name = "pooled-first", schema = "pooled-schema" });
        var pool = Path.Combine(_app.Layout.DatabasesDirectory, ".pool");
        await WaitUntil(() => Directory.Exists(pool) && Directory.EnumerateFiles(pool, "pooled-schema.*").Any());

        Execute("pooled-schema", DatabaseKind.Schema, "CREATE TABLE after_change (id INTEGER)");
        await _api.CreateOkAsync(new { name = "pooled-second", schema = "pooled-schema" });

        Assert.Contains("CREATE TABLE after_change", await _api.GetTextAsync("/pooled-second/schema"));
        Assert.DoesNotContain("after_change", await _api.GetTextAsync("/pooled-first/schema"));
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), "gave up waiting");
            await Task.Delay(20);
        }
    }

    private void Execute(string database, DatabaseKind kind, string sql)
    {
        using var connection = _app.DatabaseFactory.Open(DatabaseName.Parse(database), kind);
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    internal static List<string> Query(string path, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var values = new List<string>();
        while (reader.Read())
        {
            values.Add(reader.GetString(0));
        }

        return values;
    }
}
