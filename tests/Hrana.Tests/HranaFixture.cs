using Tenancy.Databases;
using Testing;

namespace Hrana.Tests;

/// <summary>One TenantService with a standalone, a schema and a child database, shared by the protocol tests.</summary>
public sealed class HranaFixture : IAsyncLifetime
{
    public const string Standalone = "hrana-standalone";
    public const string Schema = "hrana-schema";
    public const string Child = "hrana-child";

    private readonly RedisFixture _redis = new();

    public HranaApp App { get; private set; } = null!;

    public string RedisConnection => _redis.ConnectionString;

    public async Task InitializeAsync()
    {
        await _redis.InitializeAsync();
        App = new HranaApp(_redis.ConnectionString);
        await App.CreateDatabaseAsync(Standalone);
        await App.CreateDatabaseAsync(Schema, isSchema: true);
        App.RunDirectly(Schema, DatabaseKind.Schema, "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL)");
        await App.CreateDatabaseAsync(Child, schema: Schema);
    }

    public async Task DisposeAsync()
    {
        await App.DisposeAsync();
        await _redis.DisposeAsync();
    }

    public HranaClient Client(string database = Standalone, string version = "v2") => new(App.Platform(), database, version);
}

[CollectionDefinition(Name)]
public sealed class HranaCollection : ICollectionFixture<HranaFixture>
{
    public const string Name = "Hrana";
}
