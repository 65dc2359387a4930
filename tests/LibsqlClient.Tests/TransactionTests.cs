namespace LibsqlClient.Tests;

/// <summary>Interactive transactions over batons: isolation until commit, rollback, and a closed stream after the end.</summary>
[Collection(LibsqlServerCollection.Name)]
public sealed class TransactionTests(LibsqlServerFixture server)
{
    [Fact]
    public async Task CommittedWritesAreKeptAndUnseenByOthersBeforeTheCommit()
    {
        using var db = await server.OpenNewAsync("commit");
        await db.ExecuteAsync("CREATE TABLE items (name TEXT)");

        await using var transaction = await db.BeginTransactionAsync();
        await transaction.ExecuteAsync(new Statement("INSERT INTO items VALUES (?)", "one"));
        var insideBefore = await transaction.ExecuteAsync("SELECT count(*) FROM items");
        var outsideBefore = await db.ExecuteAsync("SELECT count(*) FROM items");
        await transaction.CommitAsync();

        Assert.Equal(1L, insideBefore.Rows[0][0].AsInt64());
        Assert.Equal(0L, outsideBefore.Rows[0][0].AsInt64());
        Assert.Equal(1L, (await db.ExecuteAsync("SELECT count(*) FROM items")).Rows[0][0].AsInt64());
    }

    [Fact]
    public async Task RolledBackWritesAreGone()
    {
        using var db = await server.OpenNewAsync("rollback");
        await db.ExecuteAsync("CREATE TABLE items (name TEXT)");

        await using var transaction = await db.BeginTransactionAsync(TransactionMode.Deferred);
        await transaction.ExecuteAsync("INSERT INTO items VALUES ('gone')");
        await transaction.RollbackAsync();

        Assert.Equal(0L, (await db.ExecuteAsync("SELECT count(*) FROM items")).Rows[0][0].AsInt64());
    }

    [Fact]
    public async Task DisposingWithoutCommitRollsBack()
    {
        using var db = await server.OpenNewAsync("dispose");
        await db.ExecuteAsync("CREATE TABLE items (name TEXT)");

        await using (var transaction = await db.BeginTransactionAsync())
        {
            await transaction.ExecuteAsync("INSERT INTO items VALUES ('gone')");
        }

        Assert.Equal(0L, (await db.ExecuteAsync("SELECT count(*) FROM items")).Rows[0][0].AsInt64());
        // The write lock was released with the stream: another writer gets it at once.
        await db.ExecuteAsync("INSERT INTO items VALUES ('after')");
    }

    [Fact]
    public async Task AFailedStatementLeavesTheTransactionUsable()
    {
        using var db = await server.OpenNewAsync("failed-step");
        await db.ExecuteAsync("CREATE TABLE items (name TEXT NOT NULL)");

        await using var transaction = await db.BeginTransactionAsync();
        await transaction.ExecuteAsync("INSERT INTO items VALUES ('kept')");
        var error = await Assert.ThrowsAsync<LibsqlSqlException>(() => transaction.ExecuteAsync("INSERT INTO items VALUES (NULL)"));
        var batch = new Batch();
        batch.Add("INSERT INTO items VALUES ('batched')");
        await transaction.BatchAsync(batch);
        await transaction.CommitAsync();

        Assert.Equal("SQLITE_CONSTRAINT", error.Code);
        Assert.Equal(2L, (await db.ExecuteAsync("SELECT count(*) FROM items")).Rows[0][0].AsInt64());
    }

    [Fact]
    public async Task AnEndedTransactionRefusesMoreStatements()
    {
        using var db = await server.OpenNewAsync("ended");

        await using var transaction = await db.BeginTransactionAsync();
        await transaction.CommitAsync();
        var error = await Assert.ThrowsAsync<LibsqlException>(() => transaction.ExecuteAsync("SELECT 1"));

        Assert.Equal("STREAM_CLOSED", error.Code);
    }
}
