namespace LibsqlClient.Tests;

/// <summary>Batches: each step runs only when its condition holds, and the transactional form is all or nothing.</summary>
[Collection(LibsqlServerCollection.Name)]
public sealed class BatchTests(LibsqlServerFixture server)
{
    [Fact]
    public async Task EachStepRunsOnlyWhenItsConditionHolds()
    {
        using var db = await server.OpenNewAsync("conditions");
        await db.ExecuteAsync("CREATE TABLE log (step INTEGER)");
        var batch = new Batch();
        var ok = batch.Add("INSERT INTO log VALUES (0)");
        batch.Add("INSERT INTO log VALUES (1)", new BatchCondition.Ok(ok));
        batch.Add("INSERT INTO log VALUES (2)", new BatchCondition.Error(ok));
        var failed = batch.Add("INSERT INTO no_such_table VALUES (3)");
        batch.Add("INSERT INTO log VALUES (4)", new BatchCondition.Error(failed));
        batch.Add("INSERT INTO log VALUES (5)", new BatchCondition.Not(new BatchCondition.Ok(failed)));
        batch.Add("INSERT INTO log VALUES (6)", new BatchCondition.And(new BatchCondition.Ok(ok), new BatchCondition.Error(failed)));
        batch.Add("INSERT INTO log VALUES (7)", new BatchCondition.And(new BatchCondition.Ok(ok), new BatchCondition.Ok(failed)));
        batch.Add("INSERT INTO log VALUES (8)", new BatchCondition.Or(new BatchCondition.Ok(failed), new BatchCondition.Ok(ok)));
        batch.Add("INSERT INTO log VALUES (9)", new BatchCondition.Or(new BatchCondition.Ok(failed), new BatchCondition.Error(ok)));
        batch.Add("INSERT INTO log VALUES (10)", new BatchCondition.IsAutocommit());
        batch.Add("INSERT INTO log VALUES (11)", new BatchCondition.Not(new BatchCondition.IsAutocommit()));

        var result = await db.BatchAsync(batch);

        var ran = (await db.ExecuteAsync("SELECT step FROM log ORDER BY step")).Rows.Select(r => r[0].AsInt64());
        Assert.Equal([0L, 1, 4, 5, 6, 8, 10], ran);
        Assert.Equal([true, true, false, false, true, true, true, false, true, false, true, false], result.StepResults.Select(r => r is not null));
        Assert.Equal([3], Enumerable.Range(0, result.StepErrors.Count).Where(step => result.StepErrors[step] is not null));
        Assert.Equal("SQLITE_ERROR", result.StepErrors[3]!.Code);
        Assert.Equal(1, result.StepResults[0]!.RowsAffected);
    }

    [Fact]
    public async Task ATransactionalBatchKeepsEveryStatementWhenAllSucceed()
    {
        using var db = await server.OpenNewAsync("all");
        await db.ExecuteAsync("CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL)");

        var results = await db.BatchAsync([new Statement("INSERT INTO items (name) VALUES (?)", "a"), new Statement("INSERT INTO items (name) VALUES (?)", "b"), "SELECT count(*) FROM items"]);

        Assert.Equal(3, results.Count);
        Assert.Equal(2, results[1].LastInsertRowId);
        Assert.Equal(2L, results[2].Rows[0][0].AsInt64());
        Assert.Equal(2L, (await db.ExecuteAsync("SELECT count(*) FROM items")).Rows[0][0].AsInt64());
    }

    [Fact]
    public async Task ATransactionalBatchKeepsNothingWhenAStatementFails()
    {
        using var db = await server.OpenNewAsync("none");
        await db.ExecuteAsync("CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL)");

        var error = await Assert.ThrowsAsync<LibsqlSqlException>(() => db.BatchAsync(["INSERT INTO items (name) VALUES ('kept?')", "INSERT INTO items (name) VALUES (NULL)"]));

        Assert.Equal("SQLITE_CONSTRAINT", error.Code);
        Assert.Equal(0L, (await db.ExecuteAsync("SELECT count(*) FROM items")).Rows[0][0].AsInt64());
        // The rollback ran on the server: the next batch starts a transaction of its own without error.
        await db.BatchAsync(["INSERT INTO items (name) VALUES ('next')"]);
    }
}
