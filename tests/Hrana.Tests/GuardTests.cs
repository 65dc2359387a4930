using static Hrana.Tests.HranaClient;

namespace Hrana.Tests;

[Collection(HranaCollection.Name)]
public sealed class GuardTests(HranaFixture fixture)
{
    [Fact]
    public async Task SchemaChangesOnAChildAreRefusedNamingItsSchema()
    {
        var client = fixture.Client(HranaFixture.Child);
        client.Baton = null;
        var results = await client.PipelineAsync(
            Execute("CREATE TABLE sneaky (id INTEGER)"),
            Execute("INSERT INTO notes (body) VALUES ('data is fine')"),
            Execute("SELECT count(*) FROM notes"),
            Close());
        var refused = Error(results[0]);
        Assert.Equal("SQLITE_AUTH", (string?)refused["code"]);
        Assert.Contains(HranaFixture.Schema, (string?)refused["message"]);
        Ok(results[1]);
        Assert.True((long)Scalar(Ok(results[2])["result"]!.AsObject())! >= 1);
    }

    [Fact]
    public async Task AttachIsRefused()
    {
        var client = fixture.Client();
        client.Baton = null;
        var results = await client.PipelineAsync(Execute("ATTACH DATABASE '/tmp/elsewhere.db' AS other"), Close());
        var error = Error(results[0]);
        Assert.Equal("SQLITE_AUTH", (string?)error["code"]);
        Assert.Contains("ATTACH", (string?)error["message"]);
    }

    [Fact]
    public async Task LoadExtensionIsRefused()
    {
        var client = fixture.Client();
        client.Baton = null;
        var results = await client.PipelineAsync(Execute("SELECT load_extension('/tmp/evil.so')"), Close());
        Assert.Contains("load_extension", (string?)Error(results[0])["message"]);
    }

    [Fact]
    public async Task ASchemaDatabaseAnswersReadsAndRunsWritesAsMigrationJobs()
    {
        var client = fixture.Client(HranaFixture.Schema);
        client.Baton = null;
        var results = await client.PipelineAsync(
            Execute("SELECT count(*) FROM notes"),
            Execute("CREATE TABLE hrana_migrated (id INTEGER PRIMARY KEY)"),
            Execute("SELECT count(*) FROM sqlite_master WHERE name = 'hrana_migrated'"),
            Close());

        Assert.Equal(0L, Scalar(Ok(results[0])["result"]!.AsObject()));
        Ok(results[1]);
        // The write returned once its migration job ended: the table is there for the next statement.
        Assert.Equal(1L, Scalar(Ok(results[2])["result"]!.AsObject()));
    }

    [Fact]
    public async Task AReusedStatementSeesSchemaChangesAndARefusedOneStaysRefused()
    {
        var client = fixture.Client();
        client.Baton = null;
        var table = "reuse_" + Guid.NewGuid().ToString("N")[..8];
        await client.PipelineAsync(Execute($"CREATE TABLE {table} (a)"), Execute($"INSERT INTO {table} VALUES (1)"));
        var select = $"SELECT * FROM {table}";

        var results = await client.PipelineAsync(
            Execute(select),
            Execute($"ALTER TABLE {table} ADD COLUMN b DEFAULT 2"),
            Execute(select),
            Execute("PRAGMA journal_mode = DELETE"),
            Execute("PRAGMA journal_mode = DELETE"),
            Close());

        Assert.Single(Ok(results[0])["result"]!["cols"]!.AsArray());
        Assert.Equal(2, Ok(results[2])["result"]!["cols"]!.AsArray().Count);
        Assert.Equal("SQLITE_AUTH", (string?)Error(results[3])["code"]);
        Assert.Equal("SQLITE_AUTH", (string?)Error(results[4])["code"]);
    }
}
