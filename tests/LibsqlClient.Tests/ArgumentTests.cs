namespace LibsqlClient.Tests;

/// <summary>Positional and named arguments reach the right parameters.</summary>
[Collection(LibsqlServerCollection.Name)]
public sealed class ArgumentTests(LibsqlServerFixture server)
{
    [Fact]
    public async Task PositionalArgumentsBindInOrderAndByNumber()
    {
        using var db = await server.OpenNewAsync("positional");

        var result = await db.ExecuteAsync(new Statement("SELECT ?, ?, ?3, ?1", "first", 2, 3.5));

        Assert.Equal<LibsqlValue>(["first", 2L, 3.5, "first"], Assert.Single(result.Rows));
    }

    [Theory]
    [InlineData(":a", "@b", "$c")]
    [InlineData("a", "b", "c")]
    public async Task NamedArgumentsBindWithEveryPrefixGivenWithOrWithoutIt(string a, string b, string c)
    {
        using var db = await server.OpenNewAsync("named");
        var args = new Dictionary<string, LibsqlValue> { [a] = "colon", [b] = 41L, [c] = LibsqlValue.Null };

        var result = await db.ExecuteAsync(new Statement("SELECT :a AS a, @b + 1 AS b, $c IS NULL AS c", args));

        Assert.Equal<LibsqlValue>(["colon", 42L, 1L], Assert.Single(result.Rows));
    }

    [Fact]
    public async Task AMissingArgumentIsReportedByTheServer()
    {
        using var db = await server.OpenNewAsync("missing");

        var error = await Assert.ThrowsAsync<LibsqlSqlException>(() => db.ExecuteAsync(new Statement("SELECT ?, ?", 1)));

        Assert.Equal("ARGS_INVALID", error.Code);
    }
}
