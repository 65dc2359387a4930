using System.Net;
using System.Text.Json.Nodes;
using static Hrana.Tests.HranaClient;

namespace Hrana.Tests;

[Collection(HranaCollection.Name)]
public sealed class ProtocolTests(HranaFixture fixture)
{
    [Theory]
    [InlineData("v2")]
    [InlineData("v3")]
    public async Task VersionProbesAnswerOkWithPlainText(string version)
    {
        using var client = fixture.App.Anonymous();
        using var response = await client.GetAsync($"/db/{HranaFixture.Standalone}/{version}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.ToString());
    }

    [Fact]
    public async Task EveryValueTypeRoundTrips()
    {
        var client = fixture.Client();
        byte[] blob = [0, 1, 2, 254, 255];
        var result = await client.QueryAsync(
            "SELECT ?, ?, ?, ?, ?, ?, ?, ?",
            Int(9223372036854775807), Int(-9223372036854775808), Float(3.25), Float(-1e300), Text("žluťoučký kůň 🐎"), Blob(blob), Null(), Blob([]));
        var row = Rows(result).Single();
        Assert.Equal(9223372036854775807L, row[0]);
        Assert.Equal(-9223372036854775808L, row[1]);
        Assert.Equal(3.25, row[2]);
        Assert.Equal(-1e300, row[3]);
        Assert.Equal("žluťoučký kůň 🐎", row[4]);
        Assert.Equal(blob, row[5]);
        Assert.Null(row[6]);
        Assert.Equal(Array.Empty<byte>(), row[7]);
        Assert.Equal(8, result["cols"]!.AsArray().Count);
    }

    [Fact]
    public async Task IntegersTravelAsDecimalStrings()
    {
        var result = await fixture.Client().QueryAsync("SELECT 9007199254740993");
        var value = result["rows"]![0]![0]!;
        Assert.Equal("integer", (string?)value["type"]);
        Assert.Equal("9007199254740993", (string?)value["value"]);
    }

    [Fact]
    public async Task StoredValuesKeepTheirTypesAndColumnsTheirDeclaredTypes()
    {
        var client = fixture.Client();
        await client.QueryAsync("CREATE TABLE IF NOT EXISTS typed (i INTEGER, r REAL, t TEXT, b BLOB)");
        await client.QueryAsync("INSERT INTO typed VALUES (?, ?, ?, ?)", Int(-42), Float(0.5), Text("x"), Blob([7]));
        var result = await client.QueryAsync("SELECT i, r, t, b, i + 1 AS next FROM typed WHERE i = -42");
        var cols = result["cols"]!.AsArray();
        Assert.Equal(["INTEGER", "REAL", "TEXT", "BLOB", null], cols.Select(c => (string?)c!["decltype"]));
        Assert.Equal(["i", "r", "t", "b", "next"], cols.Select(c => (string?)c!["name"]));
        var row = Rows(result).First();
        Assert.Equal([-42L, 0.5, "x", new byte[] { 7 }, -41L], row);
    }

    [Fact]
    public async Task NamedArgumentsBindWithEveryPrefixAndWithoutOne()
    {
        var client = fixture.Client();
        client.Baton = null;
        var results = await client.PipelineAsync(
            new JsonObject { ["type"] = "execute", ["stmt"] = Named("SELECT :a, @b, $c", (":a", Int(1)), ("@b", Text("two")), ("$c", Float(3.5))) },
            new JsonObject { ["type"] = "execute", ["stmt"] = Named("SELECT :a + :a, @b", ("a", Int(20)), ("b", Int(2))) },
            Close());
        Assert.Equal([1L, "two", 3.5], Rows(Ok(results[0])["result"]!.AsObject()).Single());
        Assert.Equal([40L, 2L], Rows(Ok(results[1])["result"]!.AsObject()).Single());
    }

    [Fact]
    public async Task PositionalArgumentsBindInOrderAndMismatchesAreErrors()
    {
        var client = fixture.Client();
        client.Baton = null;
        var results = await client.PipelineAsync(
            Execute("SELECT ?2, ?1", Int(1), Int(2)),
            Execute("SELECT ?", Int(1), Int(2)),
            Execute("SELECT ?, ?", Int(1)),
            new JsonObject { ["type"] = "execute", ["stmt"] = Named("SELECT :a", ("zzz", Int(1))) },
            Close());
        Assert.Equal([2L, 1L], Rows(Ok(results[0])["result"]!.AsObject()).Single());
        Assert.Equal("ARGS_INVALID", (string?)Error(results[1])["code"]);
        Assert.Equal("ARGS_INVALID", (string?)Error(results[2])["code"]);
        Assert.Equal("ARGS_INVALID", (string?)Error(results[3])["code"]);
    }

    [Fact]
    public async Task WritesReportAffectedRowsLastRowidAndRowsWritten()
    {
        var client = fixture.Client();
        await client.QueryAsync("CREATE TABLE IF NOT EXISTS counted (id INTEGER PRIMARY KEY, v TEXT)");
        var insert = await client.QueryAsync("INSERT INTO counted (id, v) VALUES (100, 'a'), (101, 'b')");
        Assert.Equal(2, (int)insert["affected_row_count"]!);
        Assert.Equal("101", (string?)insert["last_insert_rowid"]);
        Assert.Equal(2, (int)insert["rows_written"]!);
        var update = await client.QueryAsync("UPDATE counted SET v = 'c' WHERE id >= 100");
        Assert.Equal(2, (int)update["affected_row_count"]!);
        var select = await client.QueryAsync("SELECT * FROM counted WHERE id >= 100");
        Assert.Equal(0, (int)select["affected_row_count"]!);
        Assert.Null((string?)select["last_insert_rowid"]);
        Assert.True((int)select["rows_read"]! >= 2);
        Assert.Equal(0, (int)select["rows_written"]!);
    }

    [Fact]
    public async Task WantRowsFalseReturnsNoRows()
    {
        var client = fixture.Client();
        client.Baton = null;
        var stmt = Stmt("SELECT 1 UNION ALL SELECT 2");
        stmt["want_rows"] = false;
        var results = await client.PipelineAsync(new JsonObject { ["type"] = "execute", ["stmt"] = stmt }, Close());
        var result = Ok(results[0])["result"]!.AsObject();
        Assert.Empty(result["rows"]!.AsArray());
        Assert.Single(result["cols"]!.AsArray());
    }

    [Fact]
    public async Task AFailedRequestDoesNotStopTheRestOfThePipeline()
    {
        var client = fixture.Client();
        client.Baton = null;
        var results = await client.PipelineAsync(
            Execute("SELECT 1"),
            Execute("SELEC nonsense"),
            Execute("SELECT * FROM no_such_table"),
            Execute("SELECT 1; SELECT 2"),
            Execute("   "),
            Execute("SELECT 4"),
            Close());
        Assert.Equal(1L, Scalar(Ok(results[0])["result"]!.AsObject()));
        Assert.Equal("SQL_PARSE_ERROR", (string?)Error(results[1])["code"]);
        Assert.Equal("SQLITE_ERROR", (string?)Error(results[2])["code"]);
        Assert.Contains("no_such_table", (string?)Error(results[2])["message"]);
        Assert.Equal("SQL_MANY_STATEMENTS", (string?)Error(results[3])["code"]);
        Assert.Equal("SQL_NO_STATEMENT", (string?)Error(results[4])["code"]);
        Assert.Equal(4L, Scalar(Ok(results[5])["result"]!.AsObject()));
        Assert.Equal("close", (string?)Ok(results[6])["type"]);
    }

    [Fact]
    public async Task ConstraintViolationsCarrySqliteCodes()
    {
        var client = fixture.Client();
        await client.QueryAsync("CREATE TABLE IF NOT EXISTS uniq (id INTEGER PRIMARY KEY)");
        await client.QueryAsync("INSERT OR IGNORE INTO uniq VALUES (1)");
        client.Baton = null;
        var results = await client.PipelineAsync(Execute("INSERT INTO uniq VALUES (1)"), Close());
        Assert.Equal("SQLITE_CONSTRAINT", (string?)Error(results[0])["code"]);
    }

    [Fact]
    public async Task BatchConditionsDecideWhichStepsRun()
    {
        var client = fixture.Client();
        client.Baton = null;
        var results = await client.PipelineAsync(
            Batch(
                (null, Stmt("SELECT 1")),                                       // 0 ok
                (null, Stmt("SELECT * FROM missing_table")),                   // 1 error
                (OkCond(0), Stmt("SELECT 'ok0'")),                             // 2 runs
                (OkCond(1), Stmt("SELECT 'ok1'")),                             // 3 skipped
                (ErrorCond(1), Stmt("SELECT 'error1'")),                       // 4 runs
                (Not(OkCond(1)), Stmt("SELECT 'not ok1'")),                    // 5 runs
                (And(OkCond(0), ErrorCond(1)), Stmt("SELECT 'and'")),          // 6 runs
                (And(OkCond(0), OkCond(1)), Stmt("SELECT 'and false'")),       // 7 skipped
                (Or(OkCond(1), OkCond(3)), Stmt("SELECT 'or false'")),         // 8 skipped
                (Or(OkCond(1), OkCond(2)), Stmt("SELECT 'or'")),               // 9 runs
                (IsAutocommit(), Stmt("SELECT 'autocommit'")),                 // 10 runs
                (ErrorCond(3), Stmt("SELECT 'skipped is not error'"))),        // 11 skipped
            Close());
        var batch = Ok(results[0])["result"]!.AsObject();
        var stepResults = batch["step_results"]!.AsArray();
        var stepErrors = batch["step_errors"]!.AsArray();
        bool[] ran = [true, false, true, false, true, true, true, false, false, true, true, false];
        for (var i = 0; i < ran.Length; i++)
        {
            Assert.True(ran[i] == (stepResults[i] is not null), $"step {i}: {stepResults[i]?.ToJsonString()}");
        }

        Assert.Equal("SQLITE_ERROR", (string?)stepErrors[1]!["code"]);
        Assert.All(stepErrors.Where((_, i) => i != 1), e => Assert.Null(e));
        Assert.Equal("or", Scalar(stepResults[9]!.AsObject()));
    }

    [Fact]
    public async Task ABatchRollsBackWhenAStepFails()
    {
        var client = fixture.Client();
        await client.QueryAsync("CREATE TABLE IF NOT EXISTS ledger (id INTEGER PRIMARY KEY, amount INTEGER NOT NULL)");
        client.Baton = null;
        var results = await client.PipelineAsync(
            Batch(
                (null, Stmt("BEGIN")),
                (OkCond(0), Stmt("INSERT INTO ledger (id, amount) VALUES (500, 10)")),
                (OkCond(1), Stmt("INSERT INTO ledger (id, amount) VALUES (501, NULL)")),
                (OkCond(2), Stmt("COMMIT")),
                (Not(OkCond(3)), Stmt("ROLLBACK"))),
            GetAutocommitV2Safe(),
            Close());
        var batch = Ok(results[0])["result"]!.AsObject();
        Assert.Equal("SQLITE_CONSTRAINT", (string?)batch["step_errors"]![2]!["code"]);
        Assert.Null(batch["step_results"]![3]);
        Assert.NotNull(batch["step_results"]![4]);
        Assert.Equal(0L, Scalar(await client.QueryAsync("SELECT count(*) FROM ledger WHERE id >= 500")));
    }

    [Fact]
    public async Task SequenceRunsEveryStatementAndStopsAtTheFirstFailure()
    {
        var client = fixture.Client();
        client.Baton = null;
        var results = await client.PipelineAsync(
            Sequence("CREATE TABLE IF NOT EXISTS seq (v INTEGER); DELETE FROM seq; INSERT INTO seq VALUES (1); INSERT INTO seq VALUES (2);"),
            Sequence("INSERT INTO seq VALUES (3); INSERT INTO nowhere VALUES (4); INSERT INTO seq VALUES (5);"),
            Execute("SELECT group_concat(v) FROM (SELECT v FROM seq ORDER BY v)"),
            Close());
        Assert.Equal("sequence", (string?)Ok(results[0])["type"]);
        Assert.Equal("SQLITE_ERROR", (string?)Error(results[1])["code"]);
        Assert.Equal("1,2,3", Scalar(Ok(results[2])["result"]!.AsObject()));
    }

    [Fact]
    public async Task DescribeReportsParametersColumnsAndKind()
    {
        var client = fixture.Client();
        await client.QueryAsync("CREATE TABLE IF NOT EXISTS described (id INTEGER PRIMARY KEY, label TEXT)");
        client.Baton = null;
        var results = await client.PipelineAsync(
            Describe("SELECT id, label AS name, 1 + 1 FROM described WHERE id = :id AND label = ?"),
            Describe("EXPLAIN SELECT 1"),
            Describe("DELETE FROM described"),
            Close());
        var select = Ok(results[0])["result"]!.AsObject();
        Assert.Equal([":id", null], select["params"]!.AsArray().Select(p => (string?)p!["name"]));
        Assert.Equal(["id", "name", "1 + 1"], select["cols"]!.AsArray().Select(c => (string?)c!["name"]));
        Assert.Equal(["INTEGER", "TEXT", null], select["cols"]!.AsArray().Select(c => (string?)c!["decltype"]));
        Assert.False((bool)select["is_explain"]!);
        Assert.True((bool)select["is_readonly"]!);
        Assert.True((bool)Ok(results[1])["result"]!["is_explain"]!);
        Assert.False((bool)Ok(results[2])["result"]!["is_readonly"]!);
    }

    [Fact]
    public async Task StoredSqlIsUsedByIdUntilClosed()
    {
        var client = fixture.Client();
        client.Baton = null;
        var byId = new JsonObject { ["type"] = "execute", ["stmt"] = new JsonObject { ["sql_id"] = 7, ["args"] = new JsonArray(Int(20)) } };
        var results = await client.PipelineAsync(
            StoreSql(7, "SELECT ? * 2"),
            byId,
            StoreSql(7, "SELECT 0"),
            new JsonObject { ["type"] = "sequence", ["sql_id"] = 7 },
            CloseSql(7),
            byId.DeepClone().AsObject());
        Assert.Equal("store_sql", (string?)Ok(results[0])["type"]);
        Assert.Equal(40L, Scalar(Ok(results[1])["result"]!.AsObject()));
        Assert.Equal("SQL_EXISTS", (string?)Error(results[2])["code"]);
        Assert.Equal("close_sql", (string?)Ok(results[4])["type"]);
        Assert.Equal("SQL_NOT_FOUND", (string?)Error(results[5])["code"]);

        // Stored SQL lives as long as its stream: the next pipeline on the baton still sees what is stored.
        var next = await client.PipelineAsync(StoreSql(8, "SELECT 'kept'"));
        var later = await client.PipelineAsync(new JsonObject { ["type"] = "execute", ["stmt"] = new JsonObject { ["sql_id"] = 8 } }, Close());
        Assert.Equal("kept", Scalar(Ok(later[0])["result"]!.AsObject()));
        Assert.Null(client.Baton);
        _ = next;
    }

    [Fact]
    public async Task GetAutocommitFollowsTheTransactionOnVersion3()
    {
        var client = fixture.Client(version: "v3");
        var results = await client.PipelineAsync(GetAutocommit(), Execute("BEGIN"), GetAutocommit(), Execute("ROLLBACK"), GetAutocommit(), Close());
        Assert.True((bool)Ok(results[0])["is_autocommit"]!);
        Assert.False((bool)Ok(results[2])["is_autocommit"]!);
        Assert.True((bool)Ok(results[4])["is_autocommit"]!);
    }

    [Fact]
    public async Task RequestsAfterCloseFail()
    {
        var client = fixture.Client();
        var results = await client.PipelineAsync(Close(), Execute("SELECT 1"));
        Assert.Equal("STREAM_CLOSED", (string?)Error(results[1])["code"]);
        Assert.Null(client.Baton);
    }

    [Fact]
    public async Task ACursorStreamsABatchAsLinesOfEntries()
    {
        using var http = fixture.App.Platform();
        var body = new JsonObject
        {
            ["baton"] = null,
            ["batch"] = new JsonObject
            {
                ["steps"] = new JsonArray(
                    new JsonObject { ["stmt"] = Stmt("SELECT 1 AS one UNION ALL SELECT 2") },
                    new JsonObject { ["stmt"] = Stmt("SELECT * FROM nowhere") }),
            },
        };
        using var response = await http.PostAsync($"/db/{HranaFixture.Standalone}/v3/cursor", new StringContent(body.ToJsonString()));
        var lines = (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!).ToList();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotNull((string?)lines[0]["baton"]);
        Assert.Equal(["step_begin", "row", "row", "step_end", "step_error"], lines.Skip(1).Select(l => (string?)l["type"]));
        Assert.Equal(1, (int)lines[5]["step"]!);
    }

    // get_autocommit is Hrana 3; on v2 the same check is a batch condition.
    private static JsonObject GetAutocommitV2Safe() => Batch((IsAutocommit(), Stmt("SELECT 1")));
}
