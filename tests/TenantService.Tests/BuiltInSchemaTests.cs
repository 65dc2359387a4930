using Tenancy.Databases;
using Tenancy.Metadata;
using Testing;

namespace TenantService.Tests;

[Collection(TenantServiceCollection.Name)]
public sealed class BuiltInSchemaTests(RedisFixture redis) : IDisposable
{
    private readonly string _dataDirectory = TestData.NewDataDirectory();
    private readonly string _schemasDirectory = TestData.NewDataDirectory();

    public void Dispose()
    {
        TestData.DeleteDirectory(_dataDirectory);
        TestData.DeleteDirectory(_schemasDirectory);
    }

    [Fact]
    public async Task ANewSchemaFileReachesTheSchemaAndEveryChildAtTheNextStart()
    {
        var todos = Path.Combine(_schemasDirectory, "todos-schema");
        Directory.CreateDirectory(todos);
        File.Copy(Path.Combine(AppContext.BaseDirectory, "Schemas", "todos-schema", "0001_todos.sql"), Path.Combine(todos, "0001_todos.sql"));
        var settings = new Dictionary<string, string?> { ["SCHEMAS_DIR"] = _schemasDirectory };

        await using (var first = new TenantServiceApp(_dataDirectory, redis.ConnectionString, settings))
        {
            var api = new PlatformApi(first.Platform());
            await api.CreateOkAsync(new { name = "user-one", schema = "todos-schema" });
            await api.CreateOkAsync(new { name = "user-two", schema = "todos-schema" });
        }

        File.WriteAllText(Path.Combine(todos, "0002_due_dates.sql"), "ALTER TABLE todos ADD COLUMN due_at TEXT;");
        await using var second = new TenantServiceApp(_dataDirectory, redis.ConnectionString, settings);
        var restarted = new PlatformApi(second.Platform());

        Assert.Equal(2, (int)(await restarted.GetOkAsync("/todos-schema"))["database"]!["version"]!);
        foreach (var child in new[] { "user-one", "user-two" })
        {
            Assert.Equal(2, (int)(await restarted.GetOkAsync($"/{child}"))["database"]!["version"]!);
            Assert.Contains("due_at", await restarted.GetTextAsync($"/{child}/schema"));
            Assert.Equal(2, (await new TenantMetadataStore(redis.Connection).GetAsync(DatabaseName.Parse(child)))!.Version);
        }

        await restarted.CreateOkAsync(new { name = "user-three", schema = "todos-schema" });
        Assert.Equal(2, (int)(await restarted.GetOkAsync("/user-three"))["database"]!["version"]!);
        Assert.Contains("due_at", await restarted.GetTextAsync("/user-three/schema"));
    }

    [Fact]
    public void SchemaFilesOutOfSequenceAreRefusedWithTheFix()
    {
        var directory = Path.Combine(_schemasDirectory, "gap-schema");
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "0001_a.sql"), "");
        File.WriteAllText(Path.Combine(directory, "0003_c.sql"), "");

        var error = Assert.Throws<InvalidOperationException>(() => TenantService.Schemas.BuiltInSchemas.VersionFiles(directory));
        Assert.Contains("expected 0002_*.sql", error.Message);
    }
}
