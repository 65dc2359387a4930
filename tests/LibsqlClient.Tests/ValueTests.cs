namespace LibsqlClient.Tests;

/// <summary>Every SQLite value type survives the trip to the server and back exactly: as an argument echoed by SELECT, and stored in a table.</summary>
[Collection(LibsqlServerCollection.Name)]
public sealed class ValueTests(LibsqlServerFixture server)
{
    public static TheoryData<string, LibsqlValue> Values()
    {
        var everyByte = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();
        var bigBlob = new byte[3 << 20];
        new Random(19).NextBytes(bigBlob);
        return new TheoryData<string, LibsqlValue>
        {
            { "int64 max", long.MaxValue },
            { "int64 min", long.MinValue },
            { "2^53 + 1, past a double's exact integers", 9_007_199_254_740_993L },
            { "zero", 0L },
            { "minus one", -1L },
            { "0.1", 0.1 },
            { "minus zero", -0.0 },
            { "a third", 1.0 / 3 },
            { "the largest double", double.MaxValue },
            { "the smallest subnormal double", double.Epsilon },
            { "a whole float", 2.0 },
            { "empty text", "" },
            { "unicode text", "héllo ✓ 😀 日本語 \u202e \" \\ \n\t" },
            { "every byte value", everyByte },
            { "a 3 MiB blob", bigBlob },
            { "null", LibsqlValue.Null },
        };
    }

    [Theory]
    [MemberData(nameof(Values))]
    public async Task AnArgumentComesBackExactlyAsSent(string what, LibsqlValue value)
    {
        using var db = await server.OpenNewAsync("values");

        var result = await db.ExecuteAsync(new Statement("SELECT ?", value));

        var echoed = Assert.Single(Assert.Single(result.Rows));
        Assert.True(value == echoed, $"{what}: sent {value.Kind} {value}, got {echoed.Kind} {echoed}");
    }

    [Theory]
    [MemberData(nameof(Values))]
    public async Task AStoredValueReadsBackExactly(string what, LibsqlValue value)
    {
        using var db = await server.OpenNewAsync("stored");
        // No declared type: no column affinity converts what is stored.
        await db.ExecuteAsync("CREATE TABLE things (id INTEGER PRIMARY KEY, value)");

        var inserted = await db.ExecuteAsync(new Statement("INSERT INTO things (value) VALUES (?)", value));
        var read = await db.ExecuteAsync(new Statement("SELECT value, typeof(value) FROM things WHERE id = ?", inserted.LastInsertRowId!.Value));

        var row = Assert.Single(read.Rows);
        Assert.True(value == row[0], $"{what}: stored {value.Kind} {value}, read {row[0].Kind} {row[0]}");
        Assert.Equal(value.Kind.ToString().ToLowerInvariant() switch { "float" => "real", var kind => kind }, row[1].AsString());
    }

    [Fact]
    public async Task AnInsertReportsItsRowidAndTheRowsItChanged()
    {
        using var db = await server.OpenNewAsync("counts");
        await db.ExecuteAsync("CREATE TABLE things (id INTEGER PRIMARY KEY, value)");

        var inserted = await db.ExecuteAsync(new Statement("INSERT INTO things (id, value) VALUES (?, 'a'), (?, 'b')", long.MaxValue - 1, long.MaxValue));
        var updated = await db.ExecuteAsync("UPDATE things SET value = 'c'");
        var selected = await db.ExecuteAsync("SELECT id AS number, value FROM things ORDER BY id");

        Assert.Equal(long.MaxValue, inserted.LastInsertRowId);
        Assert.Equal(2, inserted.RowsAffected);
        Assert.Equal(2, updated.RowsAffected);
        Assert.Equal(["number", "value"], selected.Columns.Select(c => c.Name));
        Assert.Equal(["INTEGER", null], selected.Columns.Select(c => c.DeclType));
        Assert.Equal([long.MaxValue - 1, long.MaxValue], selected.Rows.Select(r => r["NUMBER"].AsInt64()));
    }

    [Fact]
    public async Task NonFiniteFloatsAreRefusedBeforeSending()
    {
        using var db = await server.OpenNewAsync("nan");

        var error = await Assert.ThrowsAsync<ArgumentException>(() => db.ExecuteAsync(new Statement("SELECT ?", double.NaN)));

        Assert.Contains("NaN", error.Message, StringComparison.Ordinal);
    }
}
