namespace AppHost.Tests;

public sealed class RedisFixtureTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    [Fact]
    public async Task TheFixtureServesARealRedis()
    {
        var database = redis.Connection.GetDatabase();
        await database.StringSetAsync("fixture-key", "value");

        Assert.Equal("value", (string?)await database.StringGetAsync("fixture-key"));
        Assert.Contains(":", redis.ConnectionString, StringComparison.Ordinal);
    }
}
