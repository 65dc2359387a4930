using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using Testing;
using static Hrana.Tests.HranaClient;

namespace Hrana.Tests;

[Collection(HranaCollection.Name)]
public sealed class StreamTests(HranaFixture fixture)
{
    [Fact]
    public async Task AnInteractiveTransactionSpansPipelinesThroughTheBaton()
    {
        var client = fixture.Client();
        await client.QueryAsync("CREATE TABLE IF NOT EXISTS accounts (id INTEGER PRIMARY KEY, balance INTEGER NOT NULL)");
        await client.QueryAsync("INSERT OR REPLACE INTO accounts VALUES (1, 100), (2, 0)");

        client.Baton = null;
        await client.PipelineAsync(Execute("BEGIN IMMEDIATE"), Execute("UPDATE accounts SET balance = balance - 30 WHERE id = 1"));
        var first = client.Baton;
        Assert.NotNull(first);
        await client.PipelineAsync(Execute("UPDATE accounts SET balance = balance + 30 WHERE id = 2"));
        Assert.NotEqual(first, client.Baton);

        // Another stream does not see the open transaction's writes.
        var other = fixture.Client();
        Assert.Equal(0L, Scalar(await other.QueryAsync("SELECT balance FROM accounts WHERE id = 2")));

        var inside = await client.PipelineAsync(Execute("SELECT balance FROM accounts WHERE id = 2"), Execute("COMMIT"), Close());
        Assert.Equal(30L, Scalar(Ok(inside[0])["result"]!.AsObject()));
        Assert.Null(client.Baton);
        Assert.Equal(30L, Scalar(await other.QueryAsync("SELECT balance FROM accounts WHERE id = 2")));
    }

    [Fact]
    public async Task AnInteractiveRollbackDiscardsTheWrites()
    {
        var client = fixture.Client();
        await client.QueryAsync("CREATE TABLE IF NOT EXISTS drafts (id INTEGER PRIMARY KEY)");
        client.Baton = null;
        await client.PipelineAsync(Execute("BEGIN"), Execute("INSERT INTO drafts VALUES (42)"));
        await client.PipelineAsync(Execute("ROLLBACK"), Close());
        Assert.Equal(0L, Scalar(await client.QueryAsync("SELECT count(*) FROM drafts WHERE id = 42")));
    }

    [Fact]
    public async Task ConnectionSettingsAndTemporaryTablesDoNotLeakIntoTheNextStream()
    {
        for (var round = 0; round < 5; round++)
        {
            var client = fixture.Client();
            client.Baton = null;
            var results = await client.PipelineAsync(
                Execute("PRAGMA foreign_keys"),
                Execute("SELECT count(*) FROM temp.sqlite_master"),
                Execute("PRAGMA foreign_keys = OFF"),
                Execute("CREATE TEMP TABLE scratch (v)"),
                Close());
            Assert.Equal(1L, Scalar(Ok(results[0])["result"]!.AsObject()));
            Assert.Equal(0L, Scalar(Ok(results[1])["result"]!.AsObject()));
            Assert.Equal(1L, Scalar(await client.QueryAsync("SELECT 1")));
        }
    }

    [Fact]
    public async Task AnUnknownBatonIsAProtocolError()
    {
        var client = fixture.Client();
        client.Baton = "bm90LWEtcmVhbC1iYXRvbg";
        using var response = await client.SendAsync(Execute("SELECT 1"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("BATON_INVALID", (string?)error["code"]);
        Assert.False(string.IsNullOrEmpty((string?)error["message"]));
    }

    [Fact]
    public async Task ABatonIsSpentOnceUsed()
    {
        var client = fixture.Client();
        await client.PipelineAsync(Execute("SELECT 1"));
        var spent = client.Baton;
        await client.PipelineAsync(Execute("SELECT 2"));
        var current = client.Baton;

        client.Baton = spent;
        using var reused = await client.SendAsync(Execute("SELECT 3"));
        Assert.Equal(HttpStatusCode.BadRequest, reused.StatusCode);

        client.Baton = current;
        await client.PipelineAsync(Close());
    }

    [Fact]
    public async Task ABatonWorksOnlyForTheCallerAndDatabaseThatOpenedIt()
    {
        var owner = fixture.Client();
        await owner.PipelineAsync(Execute("SELECT 1"));

        var userDatabase = TestTokens.DatabaseOf("user_baton_thief");
        await fixture.App.CreateDatabaseAsync(userDatabase);
        var thief = new HranaClient(fixture.App.User("user_baton_thief"), userDatabase) { Baton = owner.Baton };
        using (var stolen = await thief.SendAsync(Execute("SELECT 1")))
        {
            Assert.Equal(HttpStatusCode.BadRequest, stolen.StatusCode);
        }

        var otherDatabase = new HranaClient(fixture.App.Platform(), HranaFixture.Child) { Baton = owner.Baton };
        using (var elsewhere = await otherDatabase.SendAsync(Execute("SELECT 1")))
        {
            Assert.Equal(HttpStatusCode.BadRequest, elsewhere.StatusCode);
        }

        // The owner's stream survived the attempts.
        await owner.PipelineAsync(Execute("SELECT 2"), Close());
    }
}

/// <summary>Stream expiry and limits, on a service of their own with a clock the test moves.</summary>
public sealed class StreamLifetimeTests : IAsyncLifetime
{
    private readonly Testing.RedisFixture _redis = new();
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private HranaApp _app = null!;

    public async Task InitializeAsync()
    {
        await _redis.InitializeAsync();
        _app = new HranaApp(_redis.ConnectionString, new Dictionary<string, string?> { ["HRANA_MAX_STREAMS_PER_CALLER"] = "3" }, _clock);
        await _app.CreateDatabaseAsync("lifetime");
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task AnIdleStreamExpiresAndItsTransactionIsRolledBack()
    {
        var client = new HranaClient(_app.Platform(), "lifetime");
        await client.QueryAsync("CREATE TABLE IF NOT EXISTS t (v INTEGER)");
        client.Baton = null;
        await client.PipelineAsync(Execute("BEGIN IMMEDIATE"), Execute("INSERT INTO t VALUES (1)"));

        _clock.Advance(TimeSpan.FromSeconds(11));

        using var response = await client.SendAsync(Execute("COMMIT"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("STREAM_EXPIRED", (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["code"]);

        // The write lock went with the connection, and the uncommitted row with the transaction.
        var other = new HranaClient(_app.Platform(), "lifetime");
        await other.QueryAsync("INSERT INTO t VALUES (2)");
        Assert.Equal(2L, Scalar(await other.QueryAsync("SELECT sum(v) FROM t")));
    }

    [Fact]
    public async Task AbandonedStreamsAreClosedWithoutTheirBatons()
    {
        for (var i = 0; i < 3; i++)
        {
            await new HranaClient(_app.Platform(), "lifetime").PipelineAsync(Execute("SELECT 1"));
        }

        _clock.Advance(TimeSpan.FromSeconds(11));

        // The sweeper frees the abandoned streams' slots on its own; nobody presents their batons.
        var client = new HranaClient(_app.Platform(), "lifetime");
        var deadline = DateTime.UtcNow.AddSeconds(15);
        HttpStatusCode status;
        do
        {
            using var response = await client.SendAsync(Execute("SELECT 1"), Close());
            status = response.StatusCode;
            if (status != HttpStatusCode.OK)
            {
                await Task.Delay(50);
            }
        }
        while (status != HttpStatusCode.OK && DateTime.UtcNow < deadline);

        Assert.Equal(HttpStatusCode.OK, status);
    }

    [Fact]
    public async Task AStatementOverTheTimeLimitIsInterruptedWithAClearError()
    {
        var client = new HranaClient(_app.Platform(), "lifetime");
        var pipeline = client.PipelineAsync(
            Execute("WITH RECURSIVE forever(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM forever) SELECT count(*) FROM forever"),
            Execute("SELECT 'still usable'"),
            Close());
        // The limit counts from the statement's first step, which a loaded machine may reach late: move the clock until it stops.
        while (!pipeline.IsCompleted)
        {
            _clock.Advance(TimeSpan.FromSeconds(3));
            await Task.WhenAny(pipeline, Task.Delay(100));
        }

        var results = await pipeline;
        var error = Error(results[0]);
        Assert.Equal("SQLITE_INTERRUPT", (string?)error["code"]);
        Assert.Contains("limit", (string?)error["message"]);
        Assert.Equal("still usable", Scalar(Ok(results[1])["result"]!.AsObject()));
    }

    [Fact]
    public async Task ACallerCannotHoldMoreStreamsThanItsLimit()
    {
        var held = new List<HranaClient>();
        for (var i = 0; i < 3; i++)
        {
            var client = new HranaClient(_app.Platform(), "lifetime");
            await client.PipelineAsync(Execute("SELECT 1"));
            held.Add(client);
        }

        var oneMore = new HranaClient(_app.Platform(), "lifetime");
        using (var refused = await oneMore.SendAsync(Execute("SELECT 1")))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
            Assert.Equal("STREAMS_EXHAUSTED", (string?)JsonNode.Parse(await refused.Content.ReadAsStringAsync())!["code"]);
        }

        await held[0].PipelineAsync(Close());
        await oneMore.PipelineAsync(Execute("SELECT 1"), Close());
        foreach (var client in held.Skip(1))
        {
            await client.PipelineAsync(Close());
        }
    }
}
