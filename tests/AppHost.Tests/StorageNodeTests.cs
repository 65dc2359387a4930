using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using StackExchange.Redis;
using Tenancy.Databases;
using Tenancy.Metadata;

namespace AppHost.Tests;

/// <summary>STORAGE_NODE=true: a second tenantservice holds tenant databases for the platform, on the same machine.</summary>
[Collection(WholeSystem.Name)]
public sealed class StorageNodeTests(StorageNodePlatformFixture platform) : IClassFixture<StorageNodePlatformFixture>
{
    private static readonly string[] OpenTenantDatabases = ["tenantservice", .. StorageNodePlatformFixture.Replicas];

    private Uri Node => platform.App.GetEndpoint("storage", "http");

    [Fact]
    public async Task TheStorageNodeIsAProcessOfItsOwnWithItsOwnDataFolderRedisAndToken()
    {
        var storage = await platform.App.ProcessEnvironmentAsync("storage");
        var tenantservice = await platform.App.ProcessEnvironmentAsync("tenantservice");
        var kept = JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(Path.Combine(platform.DataDirectory, "secrets.json")))!;
        var redis = await platform.App.ProcessIdAsync("storage-cache");

        Assert.NotEqual(await platform.App.ProcessIdAsync("tenantservice"), await platform.App.ProcessIdAsync("storage"));
        Assert.Equal(platform.StorageDataDirectory, storage["DATA_DIR"]);
        Assert.Equal(platform.DataDirectory, tenantservice["DATA_DIR"]);
        Assert.True(File.Exists(Path.Combine(platform.StorageDataDirectory, "platform.db")), "the storage node keeps no platform.db in its own folder");
        Assert.Equal(await platform.App.GetConnectionStringAsync("storage-cache"), storage["ConnectionStrings__cache"]);
        Assert.NotEqual(tenantservice["ConnectionStrings__cache"], storage["ConnectionStrings__cache"]);
        Assert.Equal(Path.Combine(platform.StorageDataDirectory, "redis"), ProcessTable.WorkingDirectoryOf(redis));
        // Compared without printing the values.
        Assert.True(storage["PLATFORM_API_TOKEN"] == kept["STORAGE_NODE_API_TOKEN"], "the storage node's token is not the one kept in secrets.json");
        Assert.True(storage["PLATFORM_API_TOKEN"] != tenantservice["PLATFORM_API_TOKEN"], "the storage node has the platform's own token");
        // No Clerk role: no webhook secret, no user tokens to validate, no database tokens to sign.
        Assert.All(["CLERK_WEBHOOK_SECRET", "DEV_JWT_SIGNING_KEY", "DATABASE_TOKEN_SIGNING_KEY"], name => Assert.False(storage.ContainsKey(name), $"the storage node was given {name}"));
        Assert.Equal($"localhost:{Node.Port}", storage["PUBLIC_HOST"]);
        Assert.Equal("storage", storage["OTEL_SERVICE_NAME"]);
        Assert.Equal(tenantservice["OTEL_EXPORTER_OTLP_ENDPOINT"], storage["OTEL_EXPORTER_OTLP_ENDPOINT"]);
    }

    [Fact]
    public async Task TheStorageNodeAnswersItsHealthEndpointAndItsPlatformApiOnlyWithItsOwnToken()
    {
        var token = (await platform.App.ProcessEnvironmentAsync("storage"))["PLATFORM_API_TOKEN"];
        using var client = new HttpClient { BaseAddress = Node, Timeout = TimeSpan.FromSeconds(30) };

        using var health = await client.GetAsync("/health");
        using var withOwnToken = await ListDatabasesAsync(client, token);
        using var withPlatformToken = await ListDatabasesAsync(client, platform.PlatformApiToken);
        using var webhook = await client.PostAsync("/webhooks/clerk", new StringContent("{}"));

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(HttpStatusCode.OK, withOwnToken.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, withPlatformToken.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, webhook.StatusCode);
    }

    [Fact]
    public async Task TenantserviceAndEveryTodoserviceReplicaAreGivenTheStorageNodeAndTheUsersOwnBackend()
    {
        var token = (await platform.App.ProcessEnvironmentAsync("storage"))["PLATFORM_API_TOKEN"];

        foreach (var service in OpenTenantDatabases)
        {
            var environment = await platform.App.ProcessEnvironmentAsync(service);

            Assert.Equal("turso,storage", environment["STORAGE_BACKENDS"]);
            Assert.Equal(Node, new Uri(environment["STORAGE_STORAGE_URL"]));
            Assert.Equal("local", environment["STORAGE_STORAGE_ORG"]);
            Assert.True(environment["STORAGE_STORAGE_TOKEN"] == token, $"{service}'s STORAGE_STORAGE_TOKEN is not the storage node's token");
            Assert.Equal("local,storage", environment["STORAGE_PLACEMENT"]);
            Assert.Equal(StorageNodePlatformFixture.UserBackendUrl, environment["STORAGE_TURSO_URL"]);
            Assert.Equal("acme", environment["STORAGE_TURSO_ORG"]);
            Assert.True(environment["STORAGE_TURSO_TOKEN"] == StorageNodePlatformFixture.UserBackendToken, $"{service}'s STORAGE_TURSO_TOKEN is not the user's");
            Assert.Equal("4000", environment["STORAGE_REQUEST_TIMEOUT_MS"]);
        }

        // The gateway never routes to the node, and the web app never reaches it: neither has its address or a backend's token.
        foreach (var service in (string[])["gateway", "webapp"])
        {
            var environment = await platform.App.ProcessEnvironmentAsync(service);
            Assert.DoesNotContain(environment.Keys, key => key.StartsWith("STORAGE_", StringComparison.Ordinal) || key.StartsWith("services__storage", StringComparison.Ordinal));
            Assert.DoesNotContain(environment.Values, value => value == token || value.Contains(Node.Authority, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task AUserWhoseDatabaseIsOnTheStorageNodeGetsTodosThroughTheGatewayAndTheTraceShowsTheHop()
    {
        var user = await PlatformUser.SignInAsync(platform.Gateway);
        var database = DatabaseName.Parse(user.Database);
        await PlaceOnTheNodeAsync(database);

        using var created = await user.AddTodoAsync("kept on the storage node");
        using var listed = await user.ListTodosAsync();

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.OK, listed.StatusCode);
        var todo = Assert.Single((await listed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("items").EnumerateArray());
        Assert.Equal("kept on the storage node", todo.GetProperty("description").GetString());
        Assert.True(File.Exists(NodeFile(database)), $"no database file for {database} in the storage node's folder");
        Assert.False(File.Exists(new DatabaseLayout(platform.DataDirectory).DatabasePath(database)), $"{database} has a file in the main node's folder too");

        // The INSERT as todoservice sends it to the node, and the node's server span under it, in one trace from the gateway.
        using var dashboard = await DashboardTelemetry.ConnectAsync(platform.App, CancellationToken.None);
        bool IsTheInsert(TelemetrySpan span) =>
            span.Service.StartsWith("todoservice", StringComparison.Ordinal) && span.Attribute("db.namespace") == user.Database && span.Name.StartsWith("INSERT ", StringComparison.Ordinal);
        var spans = await dashboard.WaitForSpansAsync(all => all.Any(IsTheInsert), TimeSpan.FromSeconds(60), $"INSERT span on {user.Database}");
        var insert = spans.Single(IsTheInsert);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        var (trace, chain) = await NodeChainAsync(dashboard, insert);
        while ((chain.Count == 0 || chain[^1].ParentSpanId is not null) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(500);
            (trace, chain) = await NodeChainAsync(dashboard, insert);
        }

        var described = $"the chain from the storage node's span up:{Environment.NewLine}{string.Join(Environment.NewLine, chain)}{Environment.NewLine}the whole trace:{Environment.NewLine}{string.Join(Environment.NewLine, trace)}";
        Assert.True(chain.Count > 0, $"the trace of the INSERT has no server span of the storage node under it; {described}");
        Assert.True(chain[^1].ParentSpanId is null, $"the trace does not go up to its root; {described}");
        Assert.Contains(chain, span => span.SpanId == insert.SpanId);
        string[] hops = ["storage server", "todoservice client", "todoservice server", "gateway client", "gateway server"];
        var seen = Hops(chain);
        Assert.True(hops.SequenceEqual(seen), $"expected {string.Join(" <- ", hops)}, saw {string.Join(" <- ", seen)}; {described}");
    }

    [Fact]
    public async Task NewUsersAreSpreadAcrossBothNodesAndOneOnTheStorageNodeGetsTodosThroughTheGateway()
    {
        // Placement hashes each name: with up to 24 users, all on one node is a one-in-eight-million event.
        var onTheNode = new List<PlatformUser>();
        var here = new List<PlatformUser>();
        for (var count = 0; count < 24 && (onTheNode.Count == 0 || here.Count == 0); count++)
        {
            var user = await PlatformUser.SignInAsync(platform.Gateway);
            using var created = await user.AddTodoAsync("placed by tenantservice");
            Assert.True(created.StatusCode == HttpStatusCode.Created, $"a new user's first todo: {(int)created.StatusCode} {await created.Content.ReadAsStringAsync()}");
            var database = DatabaseName.Parse(user.Database);
            var nodeFile = File.Exists(NodeFile(database));
            var localFile = File.Exists(new DatabaseLayout(platform.DataDirectory).DatabasePath(database));
            Assert.True(nodeFile != localFile, $"{database}: a file on the storage node: {nodeFile}; in the main node's folder: {localFile}");
            (nodeFile ? onTheNode : here).Add(user);
        }

        Assert.True(onTheNode.Count > 0 && here.Count > 0, $"STORAGE_PLACEMENT=local,storage put {onTheNode.Count} new users on the storage node and {here.Count} here");
        using var listed = await onTheNode[0].ListTodosAsync();
        Assert.Equal(HttpStatusCode.OK, listed.StatusCode);
        var todo = Assert.Single((await listed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("items").EnumerateArray());
        Assert.Equal("placed by tenantservice", todo.GetProperty("description").GetString());
    }

    [Fact]
    public async Task AUserMadeByTheWebhookOnTheStorageNodeGetsTodosTheSchemasMigrationAndTheirDumpThroughTheGateway()
    {
        // Placement hashes each name: the webhook makes users until one lands on the node (all 24 here: one in 16 million).
        var signer = new SvixSigner(platform.WebhookSecret);
        string? id = null;
        for (var attempt = 0; attempt < 24 && id is null; attempt++)
        {
            var candidate = PlatformUser.NewId();
            using var delivery = await platform.Gateway.SendAsync(signer.Delivery(SvixSigner.Event("user.created", candidate)));
            Assert.True(delivery.StatusCode == HttpStatusCode.OK, $"user.created: {(int)delivery.StatusCode} {await delivery.Content.ReadAsStringAsync()}");
            id = File.Exists(NodeFile(TestTokens.DatabaseOf(candidate))) ? candidate : null;
        }

        Assert.True(id is not null, "24 users made by the webhook, none on the storage node (STORAGE_PLACEMENT=local,storage)");
        var user = await PlatformUser.SignInAsync(platform.Gateway, id);
        using (var first = await user.AddTodoAsync("before the migration"))
        {
            Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        }

        // The schema's migration fans out to the child on the node; tenantservice records the version it reached there.
        var column = "due_" + Guid.NewGuid().ToString("N")[..8];
        using var migrated = await platform.PlatformAsync(HttpMethod.Post, "/databases/todos-schema/migrations",
            new { sql = $"ALTER TABLE todos ADD COLUMN {column} TEXT;", wait = true });
        var job = await migrated.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(migrated.IsSuccessStatusCode && job.GetProperty("status").GetString() == "RunSuccess", $"the migration: {(int)migrated.StatusCode} {job}");
        using var schema = await platform.PlatformAsync(HttpMethod.Get, "/databases/todos-schema");
        using var child = await platform.PlatformAsync(HttpMethod.Get, $"/databases/{user.Database}");
        Assert.Equal(
            (await schema.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("database").GetProperty("version").GetInt64(),
            (await child.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("database").GetProperty("version").GetInt64());
        Assert.Contains(column, NodeColumns(user.Database));

        using (var second = await user.AddTodoAsync("after the migration"))
        {
            Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        }

        using var listed = await user.ListTodosAsync();
        var descriptions = (await listed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("items").EnumerateArray().Select(todo => todo.GetProperty("description").GetString());
        Assert.Equal(["after the migration", "before the migration"], descriptions);

        // "Download my data" streams the node's database through tenantservice and the gateway.
        using var dump = await user.DumpAsync();
        var sql = await dump.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, dump.StatusCode);
        Assert.Contains(column, sql, StringComparison.Ordinal);
        Assert.Contains("'before the migration'", sql, StringComparison.Ordinal);
        Assert.Contains("'after the migration'", sql, StringComparison.Ordinal);
        Assert.False(File.Exists(new DatabaseLayout(platform.DataDirectory).DatabasePath(DatabaseName.Parse(user.Database))), $"{user.Database} has a file in the main node's folder too");
    }

    private string NodeFile(string database) => NodeFile(DatabaseName.Parse(database));

    private string NodeFile(DatabaseName database) => new DatabaseLayout(platform.StorageDataDirectory).DatabasePath(database);

    // Read from the node's file, as its owner's SQLite sees it.
    private List<string> NodeColumns(string database)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = NodeFile(database), Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ConnectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT name FROM pragma_table_info('todos')";
        using var reader = command.ExecuteReader();
        var columns = new List<string>();
        while (reader.Read())
        {
            columns.Add(reader.GetString(0));
        }

        return columns;
    }

    // Made on the node through its platform API and placed there by a record in the platform's Redis, as tenantservice does.
    private async Task PlaceOnTheNodeAsync(DatabaseName database)
    {
        var token = (await platform.App.ProcessEnvironmentAsync("storage"))["PLATFORM_API_TOKEN"];
        using var node = new HttpClient { BaseAddress = Node, Timeout = TimeSpan.FromSeconds(30) };
        node.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var made = await node.PostAsJsonAsync("/v1/organizations/local/databases", new { name = database.Value, schema = "todos-schema" });
        Assert.True(made.IsSuccessStatusCode, $"the storage node refused to make {database}: {(int)made.StatusCode} {await made.Content.ReadAsStringAsync()}");
        var stored = await node.GetFromJsonAsync<JsonElement>($"/v1/organizations/local/databases/{database.Value}");
        var version = stored.GetProperty("database").GetProperty("version").GetInt64();

        await using var redis = await ConnectionMultiplexer.ConnectAsync($"{await platform.App.GetConnectionStringAsync("cache")},connectTimeout=5000");
        var placement = new DatabasePlacement("storage", new Uri(Node, $"db/{database.Value}"));
        var record = new TenantRecord(database, DatabaseKind.Child, "todos-schema", version, BlockWrites: false, BlockReads: false, DateTimeOffset.UtcNow, placement);
        await new TenantMetadataStore(redis).PublishAsync(record, TenantEventType.Created);
    }

    /// The storage node's server span under <paramref name="insert"/>, and its ancestors up to the root or a parent not (yet) there.
    private static async Task<(IReadOnlyList<TelemetrySpan> Trace, List<TelemetrySpan> Chain)> NodeChainAsync(DashboardTelemetry dashboard, TelemetrySpan insert)
    {
        var trace = await dashboard.TraceAsync(insert.TraceId);
        var byId = trace.ToDictionary(member => member.SpanId);
        foreach (var server in trace.Where(span => span.Service == "storage" && span.Kind == TelemetrySpan.ServerKind))
        {
            var chain = new List<TelemetrySpan> { server };
            while (chain[^1].ParentSpanId is { } parent && byId.TryGetValue(parent, out var next))
            {
                chain.Add(next);
            }

            if (chain.Any(span => span.SpanId == insert.SpanId))
            {
                return (trace, chain);
            }
        }

        return (trace, []);
    }

    // The hops between processes: replicas count as todoservice, and a service's client spans in a row (the INSERT, its HTTP request) as one.
    private static string[] Hops(IEnumerable<TelemetrySpan> chain) =>
        chain.Where(span => span.Kind is TelemetrySpan.ServerKind or TelemetrySpan.ClientKind)
            .Select(span => $"{(span.Service.StartsWith("todoservice", StringComparison.Ordinal) ? "todoservice" : span.Service)} {(span.Kind == TelemetrySpan.ServerKind ? "server" : "client")}")
            .Aggregate(new List<string>(), (hops, hop) =>
            {
                if (hops.Count == 0 || hops[^1] != hop)
                {
                    hops.Add(hop);
                }

                return hops;
            })
            .ToArray();

    private static async Task<HttpResponseMessage> ListDatabasesAsync(HttpClient client, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/organizations/local/databases");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await client.SendAsync(request);
    }
}
