namespace LibsqlClient.Tests;

/// <summary>Failures arrive as typed exceptions that carry the server's code and message.</summary>
[Collection(LibsqlServerCollection.Name)]
public sealed class ErrorTests(LibsqlServerFixture server)
{
    [Theory]
    [InlineData("SELEKT 1", "SQL_PARSE_ERROR", "syntax error")]
    [InlineData("SELECT * FROM no_such_table", "SQLITE_ERROR", "no such table")]
    [InlineData("INSERT INTO items VALUES (1), (1)", "SQLITE_CONSTRAINT", "UNIQUE")]
    [InlineData("SELECT 1; SELECT 2", "SQL_MANY_STATEMENTS", "more than one statement")]
    public async Task AStatementErrorCarriesTheServersCodeAndMessage(string sql, string code, string message)
    {
        using var db = await server.OpenNewAsync("errors");
        await db.ExecuteAsync("CREATE TABLE items (id INTEGER PRIMARY KEY)");

        var error = await Assert.ThrowsAsync<LibsqlSqlException>(() => db.ExecuteAsync(sql));

        Assert.Equal(code, error.Code);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnknownDatabaseIsAServerErrorWithStatusAndCode()
    {
        using var db = server.Open("no-such-database");

        var error = await Assert.ThrowsAsync<LibsqlServerException>(() => db.ExecuteAsync("SELECT 1"));

        Assert.Equal(404, error.StatusCode);
        Assert.Equal("DATABASE_NOT_FOUND", error.Code);
        Assert.Contains("no-such-database", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AWrongTokenIsRefusedWith401()
    {
        var name = await server.CreateDatabaseAsync("token");
        using var db = new LibsqlDatabase(new LibsqlClientOptions { Url = server.Url(name), AuthToken = "not-the-token" });

        var error = await Assert.ThrowsAsync<LibsqlServerException>(() => db.ExecuteAsync("SELECT 1"));

        Assert.Equal(401, error.StatusCode);
    }

    [Fact]
    public async Task ANotListeningServerIsAConnectionErrorThatSaysNothingRan()
    {
        using var db = new LibsqlDatabase(new LibsqlClientOptions { Url = new Uri($"http://127.0.0.1:{Testing.LoopbackPort.Free()}/db/x/"), ReadRetries = 0 });

        var error = await Assert.ThrowsAsync<LibsqlConnectionException>(() => db.ExecuteAsync("INSERT INTO t VALUES (1)"));

        Assert.False(error.MayHaveRun);
        Assert.Equal("CONNECTION_ERROR", error.Code);
    }

    [Fact]
    public void BadOptionsAreReportedAllAtOnceNamingEachOption()
    {
        var options = new LibsqlClientOptions { Url = new Uri("ftp://example.com/"), Timeout = TimeSpan.Zero, ReadRetries = -1, MaxResponseBytes = 0 };

        var error = Assert.Throws<ArgumentException>(() => new LibsqlDatabase(options));

        foreach (var option in new[] { "Url", "Timeout", "ReadRetries", "MaxResponseBytes" })
        {
            Assert.Contains(option, error.Message, StringComparison.Ordinal);
        }
    }
}
