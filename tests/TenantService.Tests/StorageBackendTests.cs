using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using LibsqlClient;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Tenancy.Databases;
using TenantService.Catalog;
using TenantService.Storage;
using Testing;

namespace TenantService.Tests;

/// <summary>
/// Issue 19 item 3: with <c>STORAGE_PLACEMENT</c> naming a storage backend (here another node of the platform, a real
/// TenantService process), new databases are made there, recorded here with where they live, dumped, deleted and
/// migrated through the Platform API and libSQL, and a backend that is down gets a clear 503 with nothing half-made.
/// </summary>
[Collection(TenantServiceCollection.Name)]
public sealed class StorageBackendTests(RedisFixture redis, RemoteNodeFixture remote) : IClassFixture<RemoteNodeFixture>, IDisposable
{
    private const string WebhookSecret = "whsec_c3RvcmFnZS1iYWNrZW5kLXRlc3RzLXNpZ25pbmcta2V5";
    private readonly string _dataDirectory = TestData.NewDataDirectory();

    private RemoteNode Node => remote.Node;

    public void Dispose() => TestData.DeleteDirectory(_dataDirectory);

    [Fact]
    public async Task ANewChildIsMadeOnTheBackendWithItsSchemasTablesAndItsRecordSaysWhereItLives()
    {
        await using var app = NewApp();
        var api = new PlatformApi(app.Platform());
        var name = DatabaseName.Parse(TestData.UniqueName("placed"));

        var created = (await api.CreateOkAsync(new { name = name.Value, schema = "todos-schema" }))["database"]!;

        Assert.Equal("node", (string)created["storage"]!);
        Assert.True(File.Exists(Node.DatabasePath(name)), "the database file is on the storage node");
        Assert.False(File.Exists(app.Layout.DatabasePath(name)), "and not in this node's files");
        Assert.Equal(Tables(app.Layout.DatabasePath(DatabaseName.Parse("todos-schema"))), Tables(Node.DatabasePath(name)));
        Assert.Equal(1, (int)created["version"]!);

        // What todoservice and the gateway read: the Redis record carries the placement.
        var record = JsonNode.Parse((string)(await redis.Connection.GetDatabase().StringGetAsync($"tenant:{name.Value}"))!)!;
        Assert.Equal("node", (string)record["placement"]!["backend"]!);
        Assert.Equal(Node.LibsqlUrl(name), new Uri((string)record["placement"]!["url"]!));
        Assert.Equal(1, (int)record["version"]!);

        // The backend's own Platform API knows it under the same name.
        var backend = app.Services.GetRequiredService<StorageBackends>().Api("node");
        Assert.Equal(name.Value, (await backend.GetAsync(name, CancellationToken.None)).Name);
        Assert.Contains(name.Value, (await backend.ListAsync(CancellationToken.None)).Select(database => database.Name));

        // platform.db remembers it across a restart.
        await app.DisposeAsync();
        await using var again = NewApp();
        var listed = await new PlatformApi(again.Platform()).GetOkAsync($"/{name.Value}");
        Assert.Equal("node", (string)listed["database"]!["storage"]!);
    }

    [Fact]
    public async Task AUserCreatedWebhookMakesTheUsersDatabaseOnTheBackend()
    {
        await using var app = NewApp(new() { ["CLERK_WEBHOOK_SECRET"] = WebhookSecret });
        var userId = "user_" + Guid.NewGuid().ToString("N");
        var database = TenantId.FromClerkId(userId);

        using var delivery = await app.CreateClient().SendAsync(new SvixSigner(WebhookSecret).Delivery($$$"""{"type":"user.created","object":"event","data":{"id":"{{{userId}}}","object":"user"}}"""));

        Assert.Equal(HttpStatusCode.OK, delivery.StatusCode);
        Assert.True(File.Exists(Node.DatabasePath(database)), "the user's database is on the storage node");
        Assert.False(File.Exists(app.Layout.DatabasePath(database)));
        Assert.Contains("todos", Tables(Node.DatabasePath(database)).Keys);
    }

    [Fact]
    public async Task ADeleteKeepsTheRemoteDatabasesDumpHereThenRemovesItThereAndItsRecord()
    {
        await using var app = NewApp();
        var api = new PlatformApi(app.Platform());
        var name = DatabaseName.Parse(TestData.UniqueName("deleted"));
        await api.CreateOkAsync(new { name = name.Value, schema = "todos-schema" });
        await WriteOnNodeAsync(name, "INSERT INTO todos (description) VALUES ('keep me safe')");

        using var deleted = await api.DeleteAsync(name.Value);

        await PlatformApi.ReadAsync(deleted, HttpStatusCode.OK);
        Assert.False(File.Exists(Node.DatabasePath(name)), "the node's file is gone");
        using (var there = await Node.Client.GetAsync($"/v1/organizations/local/databases/{name.Value}"))
        {
            Assert.Equal(HttpStatusCode.NotFound, there.StatusCode);
        }

        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync($"/{name.Value}")).StatusCode);
        var dump = Assert.Single(Directory.GetFiles(app.Layout.BackupsDirectory(name), "*.sql"));
        var text = await File.ReadAllTextAsync(dump);
        Assert.Contains("keep me safe", text, StringComparison.Ordinal);
        Assert.EndsWith("COMMIT;", text.TrimEnd(), StringComparison.Ordinal);
        using var backups = await api.GetAsync($"/{name.Value}/backups");
        Assert.Contains(Path.GetRelativePath(_dataDirectory, dump), await PlatformApi.ErrorAsync(backups, HttpStatusCode.NotFound), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ADeleteWhileTheBackendIsDownDeletesNothingAndLeavesTheDatabaseOpen()
    {
        await using var app = NewApp();
        var api = new PlatformApi(app.Platform());
        var name = DatabaseName.Parse(TestData.UniqueName("kept"));
        await api.CreateOkAsync(new { name = name.Value, schema = "todos-schema" });
        await WriteOnNodeAsync(name, "INSERT INTO todos (description) VALUES ('still here')");
        Node.Kill();
        try
        {
            using var refused = await api.DeleteAsync(name.Value);

            Assert.Contains("nothing was deleted", await PlatformApi.ErrorAsync(refused, HttpStatusCode.ServiceUnavailable), StringComparison.Ordinal);
            Assert.NotNull(refused.Headers.RetryAfter);
            var view = (await api.GetOkAsync($"/{name.Value}"))["database"]!;
            Assert.False((bool)view["block_reads"]!, "the delete was called off: the database is open again");
            Assert.False((bool)view["block_writes"]!);
        }
        finally
        {
            await Node.RestartAsync();
        }

        Assert.Single(await ReadOnNodeAsync(name, "SELECT description FROM todos WHERE description = 'still here'"));
        using var deleted = await api.DeleteAsync(name.Value);
        await PlatformApi.ReadAsync(deleted, HttpStatusCode.OK);
        Assert.Contains("still here", await File.ReadAllTextAsync(Assert.Single(Directory.GetFiles(app.Layout.BackupsDirectory(name), "*.sql"))), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheDumpAndSchemaOfARemoteDatabaseAreTheBackendsOwn()
    {
        await using var app = NewApp();
        var api = new PlatformApi(app.Platform());
        var name = DatabaseName.Parse(TestData.UniqueName("dumped"));
        await api.CreateOkAsync(new { name = name.Value, schema = "todos-schema" });
        await WriteOnNodeAsync(name, "INSERT INTO todos (description) VALUES ('it''s ünïcödé; -- and more')");

        var dump = await api.GetTextAsync($"/{name.Value}/dump");
        var schema = await api.GetTextAsync($"/{name.Value}/schema");

        Assert.Contains("it''s ünïcödé; -- and more", dump, StringComparison.Ordinal);
        Assert.Equal(await Node.Client.GetStringAsync($"/v1/organizations/local/databases/{name.Value}/dump"), dump);
        Assert.Equal(await Node.Client.GetStringAsync($"/v1/organizations/local/databases/{name.Value}/schema"), schema);
        Assert.Contains("CREATE TABLE todos", schema, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MigrationsReachRemoteChildrenDryRunFirstWithTheirWritesBlockedInTheRecordWhileTheyRun()
    {
        await using var app = NewApp(new() { ["MIGRATION_TASK_DELAY_MS"] = "700" });
        var client = app.Platform();
        var api = new PlatformApi(client);
        var schema = TestData.UniqueName("notes-schema");
        await api.CreateOkAsync(new { name = schema, is_schema = true });
        Assert.Equal("RunSuccess", (string)(await MigrateAsync(client, schema, "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL)"))["status"]!);
        var first = DatabaseName.Parse(TestData.UniqueName("first"));
        var second = DatabaseName.Parse(TestData.UniqueName("second"));
        foreach (var child in new[] { first, second })
        {
            Assert.Equal("node", (string)(await api.CreateOkAsync(new { name = child.Value, schema }))["database"]!["storage"]!);
        }

        // One child cannot take the change: the dry run stops the job before any child is changed.
        await WriteOnNodeAsync(second, "CREATE TABLE tags (label TEXT)");
        var refused = await MigrateAsync(client, schema, "CREATE TABLE tags (label TEXT NOT NULL)");
        Assert.Equal("DryRunFailure", (string)refused["status"]!);
        Assert.Contains(second.Value, (string)refused["error"]!, StringComparison.Ordinal);
        Assert.DoesNotContain("tags", Tables(Node.DatabasePath(first)).Keys);
        Assert.Equal(1, (int)(await api.GetOkAsync($"/{first.Value}"))["database"]!["version"]!);

        await WriteOnNodeAsync(second, "DROP TABLE tags");
        using var submitted = await client.PostAsJsonAsync($"{api.Base}/{schema}/migrations", new { sql = "ALTER TABLE notes ADD COLUMN done INTEGER NOT NULL DEFAULT 0" });
        var jobId = (long)(await PlatformApi.ReadAsync(submitted, HttpStatusCode.OK))["job_id"]!;

        // While a child's task runs, its record (platform.db and Redis, what todoservice's remote sessions obey) blocks writes.
        var blocked = await WaitForAsync(async () =>
        {
            foreach (var child in new[] { first, second })
            {
                var record = await redis.Connection.GetDatabase().StringGetAsync($"tenant:{child.Value}");
                if (record.HasValue && JsonNode.Parse((string)record!)!["block_writes"]!.GetValue<bool>())
                {
                    return JsonNode.Parse((string)record!);
                }
            }

            return null;
        });
        Assert.Equal("node", (string)blocked["placement"]!["backend"]!);

        var job = await WaitForAsync(async () =>
            await client.GetFromJsonAsync<JsonObject>($"{api.Base}/{schema}/jobs/{jobId}") is { } current && (string)current["status"]! is "RunSuccess" or "RunFailure" ? current : null);
        Assert.Equal("RunSuccess", (string)job["status"]!);
        foreach (var child in new[] { first, second })
        {
            Assert.Contains("done INTEGER", Tables(Node.DatabasePath(child))["notes"], StringComparison.Ordinal);
            var view = (await api.GetOkAsync($"/{child.Value}"))["database"]!;
            Assert.Equal(2, (int)view["version"]!);
            Assert.False((bool)view["block_writes"]!);
        }

        // A child made after the change starts from the new tables and version.
        var later = DatabaseName.Parse(TestData.UniqueName("later"));
        Assert.Equal(2, (int)(await api.CreateOkAsync(new { name = later.Value, schema }))["database"]!["version"]!);
        Assert.Contains("done INTEGER", Tables(Node.DatabasePath(later))["notes"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARemoteChildThatFailsInTheRunHoldsTheJobUntilItsRetryAppliesIt()
    {
        await using var app = NewApp(new() { ["MIGRATION_TASK_DELAY_MS"] = "1500" });
        var client = app.Platform();
        var api = new PlatformApi(client);
        var schema = TestData.UniqueName("labels-schema");
        await api.CreateOkAsync(new { name = schema, is_schema = true });
        Assert.Equal("RunSuccess", (string)(await MigrateAsync(client, schema, "CREATE TABLE notes (id INTEGER PRIMARY KEY)"))["status"]!);
        var first = DatabaseName.Parse(TestData.UniqueName("first"));
        var second = DatabaseName.Parse(TestData.UniqueName("second"));
        await api.CreateOkAsync(new { name = first.Value, schema });
        await api.CreateOkAsync(new { name = second.Value, schema });

        using var submitted = await client.PostAsJsonAsync($"{api.Base}/{schema}/migrations", new { sql = "CREATE TABLE labels (name TEXT)" });
        var jobId = (long)(await PlatformApi.ReadAsync(submitted, HttpStatusCode.OK))["job_id"]!;
        // After the dry run passed, before the second child's task applies it: that child can no longer take the change.
        await WaitForAsync(async () => await client.GetFromJsonAsync<JsonObject>($"{api.Base}/{schema}/jobs/{jobId}") is { } job && (string)job["status"]! == "WaitingRun" ? job : null);
        await WriteOnNodeAsync(second, "CREATE TABLE labels (name TEXT)");
        var failed = await WaitForAsync(async () =>
            await client.GetFromJsonAsync<JsonObject>($"{api.Base}/{schema}/jobs/{jobId}") is { } job && (string)job["status"]! is "RunFailure" or "RunSuccess" ? job : null);
        Assert.Equal("RunFailure", (string)failed["status"]!);
        Assert.Contains(second.Value, (string)failed["error"]!, StringComparison.Ordinal);
        Assert.Equal(1, (int)(await api.GetOkAsync($"/{second.Value}"))["database"]!["version"]!);

        await WriteOnNodeAsync(second, "DROP TABLE labels");
        using var retried = await client.PostAsync($"{api.Base}/{schema}/jobs/{jobId}/retry", null);
        Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
        var finished = await WaitForAsync(async () =>
            await client.GetFromJsonAsync<JsonObject>($"{api.Base}/{schema}/jobs/{jobId}") is { } job && (string)job["status"]! is "RunFailure" or "RunSuccess" ? job : null);

        Assert.Equal("RunSuccess", (string)finished["status"]!);
        foreach (var child in new[] { first, second })
        {
            Assert.Contains("labels", Tables(Node.DatabasePath(child)).Keys);
            Assert.Equal(2, (int)(await api.GetOkAsync($"/{child.Value}"))["database"]!["version"]!);
        }

        Assert.Equal(2, (int)(await api.GetOkAsync($"/{schema}"))["database"]!["version"]!);
    }

    [Fact]
    public async Task ABackendThatIsDownGets503WithRetryAfterAndNothingIsHalfMade()
    {
        await using var app = NewApp();
        var api = new PlatformApi(app.Platform());
        var name = DatabaseName.Parse(TestData.UniqueName("down"));
        Node.Kill();
        try
        {
            using var refused = await api.CreateAsync(new { name = name.Value, schema = "todos-schema" });

            var message = await PlatformApi.ErrorAsync(refused, HttpStatusCode.ServiceUnavailable);
            Assert.Contains("storage backend 'node'", message, StringComparison.Ordinal);
            Assert.NotNull(refused.Headers.RetryAfter);
            Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync($"/{name.Value}")).StatusCode);
        }
        finally
        {
            await Node.RestartAsync();
        }

        Assert.False(File.Exists(Node.DatabasePath(name)), "nothing was made on the node");
        Assert.False(File.Exists(app.Layout.DatabasePath(name)), "nor here");
        Assert.Equal("node", (string)(await api.CreateOkAsync(new { name = name.Value, schema = "todos-schema" }))["database"]!["storage"]!);
    }

    [Fact]
    public async Task ABackendSlowerThanTheRequestTimeoutGets503AndWhatItMadeMeanwhileIsRemovedByTheRetry()
    {
        await using var proxy = new DelayingProxy(Node.Address);
        await using var app = NewApp(new() { ["STORAGE_NODE_URL"] = proxy.Address.ToString(), ["STORAGE_REQUEST_TIMEOUT_MS"] = "3000" });
        var api = new PlatformApi(app.Platform());
        var name = DatabaseName.Parse(TestData.UniqueName("slow"));
        // Well past the limit, and the limit well past what the node needs on a busy machine once answers flow again.
        proxy.AnswerDelay = TimeSpan.FromSeconds(8);

        using var refused = await api.CreateAsync(new { name = name.Value, schema = "todos-schema" });

        Assert.Contains("did not answer within STORAGE_REQUEST_TIMEOUT_MS (3000 ms)", await PlatformApi.ErrorAsync(refused, HttpStatusCode.ServiceUnavailable), StringComparison.Ordinal);
        Assert.NotNull(refused.Headers.RetryAfter);
        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync($"/{name.Value}")).StatusCode);

        // The node may have made it after the answer was given up on: the retry deletes that first, then makes it whole.
        proxy.AnswerDelay = TimeSpan.Zero;
        var created = (await api.CreateOkAsync(new { name = name.Value, schema = "todos-schema" }))["database"]!;
        Assert.Equal("node", (string)created["storage"]!);
        Assert.Contains("todos", Tables(Node.DatabasePath(name)).Keys);
        Assert.Empty(app.Services.GetRequiredService<DatabaseCatalog>().InterruptedRemoteCreates());
    }

    [Fact]
    public async Task ABackendThatRefusesTheTokenIs502NamingTheSettingAndNothingIsMadeOrNoted()
    {
        await using var app = NewApp(new() { ["STORAGE_NODE_TOKEN"] = "not-the-nodes-token" });
        var api = new PlatformApi(app.Platform());
        var name = DatabaseName.Parse(TestData.UniqueName("refused"));

        using var refused = await api.CreateAsync(new { name = name.Value, schema = "todos-schema" });

        Assert.Contains("STORAGE_NODE_TOKEN", await PlatformApi.ErrorAsync(refused, HttpStatusCode.BadGateway), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync($"/{name.Value}")).StatusCode);
        Assert.False(File.Exists(Node.DatabasePath(name)));
        Assert.Empty(app.Services.GetRequiredService<DatabaseCatalog>().InterruptedRemoteCreates());
    }

    [Fact]
    public async Task ADatabaseAnInterruptedCreateLeftOnTheBackendIsReplacedButOneThisNodeNeverBeganIsNot()
    {
        await using var app = NewApp();
        var api = new PlatformApi(app.Platform());
        var interrupted = DatabaseName.Parse(TestData.UniqueName("orphan"));
        var stranger = DatabaseName.Parse(TestData.UniqueName("stranger"));
        // As a crash between the backend's create and the record would leave it: made there, noted here.
        await Node.CreateUserDatabaseAsync(interrupted);
        await WriteOnNodeAsync(interrupted, "INSERT INTO todos (description) VALUES ('half made')");
        app.Services.GetRequiredService<DatabaseCatalog>().BeginRemoteCreate(interrupted, "node");
        await Node.CreateUserDatabaseAsync(stranger);

        await api.CreateOkAsync(new { name = interrupted.Value, schema = "todos-schema" });
        using var conflict = await api.CreateAsync(new { name = stranger.Value, schema = "todos-schema" });

        Assert.Empty(await ReadOnNodeAsync(interrupted, "SELECT description FROM todos"));
        Assert.Contains("already exists on storage backend 'node'", await PlatformApi.ErrorAsync(conflict, HttpStatusCode.Conflict), StringComparison.Ordinal);
        Assert.Single(await ReadOnNodeAsync(stranger, "SELECT count(*) FROM todos"));
        Assert.Empty(app.Services.GetRequiredService<DatabaseCatalog>().InterruptedRemoteCreates());
    }

    [Fact]
    public async Task WorkThatNeedsTheFileHereIsRefusedWith409NamingTheBackend()
    {
        await using var app = NewApp();
        var client = app.Platform();
        var api = new PlatformApi(client);
        var name = TestData.UniqueName("elsewhere");
        await api.CreateOkAsync(new { name, schema = "todos-schema" });

        using var snapshot = await api.PostAsync($"/{name}/backups", null);
        using var restore = await api.PostAsync($"/{name}/restore", new { timestamp = "2026-01-01T00:00:00Z" });
        using var branch = await api.CreateAsync(new { name = name + "-copy", seed = new { type = "database", name } });
        using var pipeline = await client.PostAsJsonAsync($"/db/{name}/v3/pipeline", new { requests = new object[] { new { type = "close" } } });

        foreach (var refused in new[] { snapshot, restore, branch })
        {
            Assert.Contains("lives on storage backend 'node'", await PlatformApi.ErrorAsync(refused, HttpStatusCode.Conflict), StringComparison.Ordinal);
        }

        Assert.Equal(HttpStatusCode.Conflict, pipeline.StatusCode);
        var libsqlError = JsonNode.Parse(await pipeline.Content.ReadAsStringAsync())!;
        Assert.Contains("lives on storage backend 'node'", (string)libsqlError["message"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NewDatabasesAreSpreadOverTheListByAStableHashOfTheirName()
    {
        Assert.Equal(PlacementPolicy.Spread(DatabaseName.Parse("alice"), 2), PlacementPolicy.Spread(DatabaseName.Parse("alice"), 2));
        // SHA-256 of the name, not a per-process hash: the same in every process and every start.
        Assert.Equal(new[] { 1, 0, 1, 1, 0, 0 }, new[] { "alice", "bob", "carol", "dave", "erin", "frank" }.Select(name => PlacementPolicy.Spread(DatabaseName.Parse(name), 2)));
        var spread = Enumerable.Range(0, 200).Select(i => PlacementPolicy.Spread(DatabaseName.Parse($"tenant-{i}"), 3)).ToList();
        Assert.All(new[] { 0, 1, 2 }, place => Assert.InRange(spread.Count(chosen => chosen == place), 40, 100));

        await using var app = NewApp(new() { ["STORAGE_PLACEMENT"] = "local,node" });
        var api = new PlatformApi(app.Platform());
        for (var i = 0; i < 6; i++)
        {
            var name = DatabaseName.Parse(TestData.UniqueName($"spread{i}"));
            var storage = (string)(await api.CreateOkAsync(new { name = name.Value, schema = "todos-schema" }))["database"]!["storage"]!;
            Assert.Equal(PlacementPolicy.Spread(name, 2) == 0 ? "local" : "node", storage);
            Assert.Equal(storage == "local", File.Exists(app.Layout.DatabasePath(name)));
        }
    }

    [Fact]
    public async Task APlatformDatabaseFromBeforeStorageBackendsIsUpgradedInPlaceItsDatabasesStayingLocal()
    {
        var name = TestData.UniqueName("older");
        await using (var before = NewApp(new() { ["STORAGE_PLACEMENT"] = "local" }))
        {
            await new PlatformApi(before.Platform()).CreateOkAsync(new { name, schema = "todos-schema" });
        }

        // platform.db as the build before this step left it: three steps, no placement columns, no remote_creates table.
        using (var connection = new SqliteConnection($"Data Source={new DatabaseLayout(_dataDirectory).PlatformDatabasePath};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "ALTER TABLE databases DROP COLUMN storage_url; ALTER TABLE databases DROP COLUMN storage_backend; DROP TABLE remote_creates; PRAGMA user_version = 3;";
            command.ExecuteNonQuery();
        }

        await using var after = NewApp();
        var api = new PlatformApi(after.Platform());

        Assert.Equal("local", (string)(await api.GetOkAsync($"/{name}"))["database"]!["storage"]!);
        Assert.Contains("CREATE TABLE todos", await api.GetTextAsync($"/{name}/schema"), StringComparison.Ordinal);
        Assert.Equal("node", (string)(await api.CreateOkAsync(new { name = name + "-new", schema = "todos-schema" }))["database"]!["storage"]!);
    }

    [Fact]
    public async Task BadStorageSettingsStopTheStartNamingEachOne()
    {
        await using var app = new TenantServiceApp(_dataDirectory, redis.ConnectionString, new Dictionary<string, string?>
        {
            ["STORAGE_BACKENDS"] = "node,far",
            ["STORAGE_NODE_URL"] = Node.Address.ToString(),
            ["STORAGE_NODE_TOKEN"] = Node.Token,
            ["STORAGE_PLACEMENT"] = "node,elsewhere,node",
            ["STORAGE_REQUEST_TIMEOUT_MS"] = "5",
        });

        var error = Assert.Throws<OptionsValidationException>(() => app.CreateClient());

        Assert.Contains("STORAGE_FAR_URL", error.Message, StringComparison.Ordinal);
        Assert.Contains("STORAGE_PLACEMENT names 'elsewhere', which is not a storage backend", error.Message, StringComparison.Ordinal);
        Assert.Contains("STORAGE_PLACEMENT names 'node' twice", error.Message, StringComparison.Ordinal);
        Assert.Contains("STORAGE_REQUEST_TIMEOUT_MS is '5': set a whole number of milliseconds from 100 to 600000", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(new DatabaseLayout(_dataDirectory).PlatformDatabasePath), "nothing runs before the settings are checked");
    }

    private TenantServiceApp NewApp(Dictionary<string, string?>? settings = null)
    {
        var all = new Dictionary<string, string?>
        {
            ["STORAGE_BACKENDS"] = "node",
            ["STORAGE_NODE_URL"] = Node.Address.ToString(),
            ["STORAGE_NODE_TOKEN"] = Node.Token,
            ["STORAGE_PLACEMENT"] = "node",
            ["STORAGE_REQUEST_TIMEOUT_MS"] = "5000",
        };
        foreach (var (key, value) in settings ?? [])
        {
            all[key] = value;
        }

        var app = new TenantServiceApp(_dataDirectory, redis.ConnectionString, all);
        // Started here: the first request would otherwise start it inside the test's measurements.
        using var warm = app.CreateClient();
        return app;
    }

    /// <summary>Runs a migration to its end; returns the finished job.</summary>
    private static async Task<JsonObject> MigrateAsync(HttpClient client, string schema, string sql)
    {
        using var response = await client.PostAsJsonAsync($"/v1/organizations/local/databases/{schema}/migrations", new { sql, wait = true });
        return await PlatformApi.ReadAsync(response, HttpStatusCode.OK);
    }

    private async Task WriteOnNodeAsync(DatabaseName name, string sql)
    {
        using var database = new LibsqlDatabase(new LibsqlClientOptions { Url = Node.LibsqlUrl(name), AuthToken = Node.Token });
        await database.ExecuteAsync(sql);
    }

    private async Task<IReadOnlyList<Row>> ReadOnNodeAsync(DatabaseName name, string sql)
    {
        using var database = new LibsqlDatabase(new LibsqlClientOptions { Url = Node.LibsqlUrl(name), AuthToken = Node.Token });
        return (await database.ExecuteAsync(sql)).Rows;
    }

    /// <summary>The tables, indexes, views and triggers of a database file: name to CREATE statement.</summary>
    private static Dictionary<string, string> Tables(string path)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT name, sql FROM sqlite_schema WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'";
        using var reader = command.ExecuteReader();
        var tables = new Dictionary<string, string>(StringComparer.Ordinal);
        while (reader.Read())
        {
            tables[reader.GetString(0)] = reader.GetString(1);
        }

        return tables;
    }

    private static async Task<T> WaitForAsync<T>(Func<Task<T?>> probe) where T : class
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            if (await probe() is { } found)
            {
                return found;
            }

            Assert.True(DateTime.UtcNow < deadline, "the awaited state did not come within 30 s");
            await Task.Delay(20);
        }
    }
}
