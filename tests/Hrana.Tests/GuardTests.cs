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
    public async Task ASchemaDatabaseAnswersReadsAndSendsWritesToMigrations()
    {
        var client = fixture.Client(HranaFixture.Schema);
        client.Baton = null;
        var results = await client.PipelineAsync(
            Execute("SELECT count(*) FROM notes"),
            Execute("INSERT INTO notes (body) VALUES ('x')"),
            Execute("ALTER TABLE notes ADD COLUMN extra TEXT"),
            Sequence("SELECT 1; DROP TABLE notes;"),
            Execute("SELECT name FROM pragma_table_info('notes') ORDER BY cid"),
            Close());
        Assert.Equal(0L, Scalar(Ok(results[0])["result"]!.AsObject()));
        foreach (var refused in new[] { results[1], results[2], results[3] })
        {
            var error = Error(refused);
            Assert.Equal("SCHEMA_WRITE_REFUSED", (string?)error["code"]);
            Assert.Contains($"/v1/organizations/local/databases/{HranaFixture.Schema}/migrations", (string?)error["message"]);
        }

        Assert.Equal(["id", "body"], Rows(Ok(results[4])["result"]!.AsObject()).Select(r => (string?)r[0]));
    }
}
