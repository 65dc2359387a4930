using Testing;

namespace Migrations.Tests;

/// <summary>A fresh DATA_DIR and TenantService per test, on the collection's Redis.</summary>
public abstract class MigrationFixture(RedisFixture redis) : IAsyncLifetime
{
    private MigrationsApp? _app;

    protected RedisFixture Redis => redis;

    protected string DataDirectory { get; } = TestData.NewDataDirectory();

    protected MigrationsApp App => _app ?? throw new InvalidOperationException("The app starts in InitializeAsync.");

    protected PlatformClient Api { get; private set; } = null!;

    /// <summary>Settings for this test class's service (parallelism, task delay).</summary>
    protected virtual IDictionary<string, string?> Settings => new Dictionary<string, string?>();

    public virtual Task InitializeAsync()
    {
        _app = new MigrationsApp(DataDirectory, redis.ConnectionString, Settings);
        Api = _app.Platform();
        return Task.CompletedTask;
    }

    public virtual async Task DisposeAsync()
    {
        Api.Dispose();
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        TestData.DeleteDirectory(DataDirectory);
    }

    /// <summary>A schema database at version 1 with <paramref name="sql"/>, and its children.</summary>
    protected async Task CreateSchemaWithChildrenAsync(string schema, string sql, params string[] children)
    {
        await Api.CreateSchemaAsync(schema);
        var job = await Api.MigrateAndWaitAsync(schema, sql);
        Assert.Equal("RunSuccess", (string)job["status"]!);
        foreach (var child in children)
        {
            await Api.CreateChildAsync(child, schema);
        }
    }

    /// <summary>Polls a condition the service makes true in the background, up to a generous deadline.</summary>
    protected static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition never held");
            await Task.Delay(20);
        }
    }

    /// <summary>Runs SQL on a database through the platform's guarded connection, as a tenant would.</summary>
    protected void Execute(string database, string sql, string? schema = null, bool allowSchemaChanges = false)
    {
        var kind = schema is null ? Tenancy.Databases.DatabaseKind.Schema : Tenancy.Databases.DatabaseKind.Child;
        using var connection = App.DatabaseFactory.Open(Tenancy.Databases.DatabaseName.Parse(database), kind, schema);
        using var door = allowSchemaChanges ? App.DatabaseFactory.AllowSchemaChanges(connection) : null;
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
