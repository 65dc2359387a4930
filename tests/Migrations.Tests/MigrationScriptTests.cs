using TenantService.Migrations;

namespace Migrations.Tests;

public sealed class MigrationScriptTests
{
    [Fact]
    public void SemicolonsInStringsCommentsAndTriggersDoNotSplitStatements()
    {
        var script = Parse(
            """
            CREATE TABLE notes (body TEXT DEFAULT 'a;b');
            -- a comment; with a semicolon
            /* another; one */
            CREATE TRIGGER notes_touch AFTER INSERT ON notes BEGIN
                UPDATE notes SET body = body || ';' WHERE rowid = new.rowid;
                SELECT 1;
            END;
            INSERT INTO notes (body) VALUES ('x;y')
            """);

        Assert.Equal(3, script.Statements.Count);
        Assert.StartsWith("CREATE TABLE", script.Statements[0]);
        // Comments before a statement stay with it: SQLite skips them.
        Assert.Contains("CREATE TRIGGER", script.Statements[1]);
        Assert.EndsWith("END;", script.Statements[1]);
        Assert.Equal("INSERT INTO notes (body) VALUES ('x;y');", script.Statements[2]);
    }

    [Theory]
    [InlineData("BEGIN;\nCREATE TABLE t (x);\nCOMMIT;")]
    [InlineData("BEGIN TRANSACTION; CREATE TABLE t (x); COMMIT TRANSACTION;")]
    [InlineData("begin immediate; CREATE TABLE t (x); end;")]
    [InlineData("BEGIN EXCLUSIVE TRANSACTION; CREATE TABLE t (x); END TRANSACTION")]
    [InlineData("-- goose Up\nBEGIN DEFERRED;\nCREATE TABLE t (x);\nCOMMIT;\n")]
    public void OneOuterTransactionIsTakenOff(string sql)
    {
        var script = Parse(sql);

        Assert.Equal(["CREATE TABLE t (x);"], script.Statements);
    }

    [Theory]
    [InlineData("BEGIN; BEGIN; CREATE TABLE t (x); COMMIT; COMMIT;")]
    [InlineData("CREATE TABLE t (x); COMMIT;")]
    [InlineData("BEGIN; CREATE TABLE t (x); ROLLBACK; COMMIT;")]
    [InlineData("SAVEPOINT s; CREATE TABLE t (x); RELEASE s;")]
    [InlineData("CREATE TABLE t (x); ROLLBACK;")]
    public void InnerTransactionControlIsRefused(string sql)
    {
        Assert.Null(MigrationScript.TryParse(sql, out var problem));
        Assert.Contains("transaction", problem, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void BeginWithoutCommitIsRefused()
    {
        Assert.Null(MigrationScript.TryParse("BEGIN; CREATE TABLE t (x);", out var problem));
        Assert.Contains("COMMIT", problem);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("-- only a comment")]
    [InlineData(";;")]
    [InlineData("BEGIN; COMMIT;")]
    [InlineData(null)]
    public void EmptySqlIsRefused(string? sql)
    {
        Assert.Null(MigrationScript.TryParse(sql, out var problem));
        Assert.NotEmpty(problem);
    }

    [Fact]
    public void QuotedNamesAndDoubledQuotesKeepTheirSemicolons()
    {
        var script = Parse("CREATE TABLE \"a;b\" ([c;d] TEXT, `e;f` TEXT DEFAULT 'it''s; fine'); INSERT INTO \"a;b\" VALUES ('x', 'y;z');");

        Assert.Equal(2, script.Statements.Count);
        Assert.EndsWith("'it''s; fine');", script.Statements[0]);
    }

    [Fact]
    public void AStringFullOfSemicolonsIsOneStatement()
    {
        var script = Parse("INSERT INTO t VALUES ('" + new string(';', 200_000) + "'); SELECT 1;");

        Assert.Equal(2, script.Statements.Count);
    }

    [Fact]
    public void AnUnfinishedStatementIsRefused()
    {
        Assert.Null(MigrationScript.TryParse("CREATE TABLE t (x TEXT DEFAULT 'open", out var problem));
        Assert.Contains("ends inside a statement", problem);
    }

    private static MigrationScript Parse(string sql)
    {
        var script = MigrationScript.TryParse(sql, out var problem);
        Assert.True(script is not null, problem);
        return script!;
    }
}
