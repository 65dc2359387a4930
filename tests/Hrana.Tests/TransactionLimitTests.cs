using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using static Hrana.Tests.HranaClient;

namespace Hrana.Tests;

/// <summary>A transaction held open on a stream is rolled back at the limit (5 s by default, the libSQL server's), idle or not.</summary>
public sealed class TransactionLimitTests : IAsyncLifetime
{
    private const string Runaway = "WITH RECURSIVE forever(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM forever) SELECT count(*) FROM forever";

    private readonly Testing.RedisFixture _redis = new();
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private HranaApp _app = null!;

    public async Task InitializeAsync()
    {
        await _redis.InitializeAsync();
        // Statements may run far longer than a transaction here, so the transaction limit is what a long statement meets.
        _app = new HranaApp(_redis.ConnectionString, new Dictionary<string, string?> { ["Tenancy:StatementTimeout"] = "00:00:30" }, _clock);
        await _app.CreateDatabaseAsync("held");
        await new HranaClient(_app.Platform(), "held").QueryAsync("CREATE TABLE t (v INTEGER)");
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task ATransactionKeptOpenByPingsIsRolledBackAtTheLimitAndTheNextRequestSaysWhy()
    {
        var client = new HranaClient(_app.Platform(), "held");
        await client.PipelineAsync(Execute("BEGIN"), Execute("INSERT INTO t VALUES (1)"));
        _clock.Advance(TimeSpan.FromSeconds(3));
        // Activity does not renew the transaction: the attack pinged every 4 s, under the stream's idle timeout.
        Ok((await client.PipelineAsync(Execute("SELECT 1")))[0]);

        _clock.Advance(TimeSpan.FromSeconds(3));

        using var response = await client.SendAsync(Execute("COMMIT"));
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("TRANSACTION_TIMEOUT", (string?)error["code"]);
        Assert.Contains("5 s limit", (string?)error["message"], StringComparison.Ordinal);
        Assert.Contains("HRANA_MAX_TRANSACTION_MS", (string?)error["message"], StringComparison.Ordinal);
        // Rolled back, and the write lock went with it.
        var other = new HranaClient(_app.Platform(), "held");
        await other.QueryAsync("INSERT INTO t VALUES (2)");
        Assert.Equal(2L, Scalar(await other.QueryAsync("SELECT sum(v) FROM t")));
        await other.QueryAsync("DELETE FROM t");
    }

    [Fact]
    public async Task ABadTransactionLimitStopsTheStartNamingTheSetting()
    {
        await using var app = new HranaApp(_redis.ConnectionString, new Dictionary<string, string?> { ["HRANA_MAX_TRANSACTION_MS"] = "0" });
        var error = Assert.ThrowsAny<Exception>(() => app.CreateClient());
        Assert.Contains("HRANA_MAX_TRANSACTION_MS is '0': set a whole number of milliseconds from 1", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ATransactionOverTheLimitIsRolledBackWhenItsNextStatementStarts()
    {
        var client = new HranaClient(_app.Platform(), "held");
        var pipeline = client.PipelineAsync(
            Execute("BEGIN IMMEDIATE"),
            Execute("INSERT INTO t VALUES (1)"),
            Execute(Runaway),
            Execute("INSERT INTO t VALUES (2)"),
            Execute("COMMIT"));
        // Time passes while the stream is busy, out of the sweeper's sight, until the statement limit stops the runaway.
        while (!pipeline.IsCompleted)
        {
            await Task.Delay(50);
            _clock.Advance(TimeSpan.FromSeconds(1));
        }

        var results = await pipeline;

        Assert.Equal("SQLITE_INTERRUPT", (string?)Error(results[2])["code"]);
        Assert.Equal("TRANSACTION_TIMEOUT", (string?)Error(results[3])["code"]);
        Assert.Contains("rolled back", (string?)Error(results[4])["message"], StringComparison.Ordinal);
        Assert.Equal(0L, Scalar(await new HranaClient(_app.Platform(), "held").QueryAsync("SELECT count(*) FROM t")));
    }
}
