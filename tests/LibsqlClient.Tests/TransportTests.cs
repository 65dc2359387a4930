namespace LibsqlClient.Tests;

/// <summary>
/// What the client does when the connection misbehaves, seen through <see cref="HranaProxy"/> in front of a real server:
/// writes are never resent, reads are, timeouts and cancellation end a call, and streams follow the server's base_url.
/// </summary>
[Collection(LibsqlServerCollection.Name)]
public sealed class TransportTests(LibsqlServerFixture server) : IAsyncLifetime
{
    private HranaProxy _proxy = null!;

    public async Task InitializeAsync() => _proxy = await HranaProxy.StartAsync(server.Server.Address);

    public async Task DisposeAsync() => await _proxy.DisposeAsync();

    [Fact]
    public async Task AWriteWhoseAnswerIsLostIsReportedAndNeverSentAgain()
    {
        var name = await server.CreateDatabaseAsync("lost-write");
        using var direct = server.Open(name);
        await direct.ExecuteAsync("CREATE TABLE items (name TEXT)");
        using var db = server.Open(name, _proxy.Url(name));
        // A kept-alive connection: the HTTP stack itself resends on a reused connection that drops before answering.
        await db.ExecuteAsync("SELECT 1");
        var before = _proxy.Pipelines.Count();

        _proxy.Break(ProxyFault.DropAfterForwarding);
        var error = await Assert.ThrowsAsync<LibsqlConnectionException>(() => db.ExecuteAsync("INSERT INTO items VALUES ('once')"));

        Assert.True(error.MayHaveRun);
        Assert.Equal(1, _proxy.Pipelines.Count() - before);
        Assert.Equal(1L, (await direct.ExecuteAsync("SELECT count(*) FROM items")).Rows[0][0].AsInt64());
    }

    [Fact]
    public async Task AWriteWhoseConnectionDropsIsNotSentAgain()
    {
        var name = await server.CreateDatabaseAsync("dropped-write");
        using var direct = server.Open(name);
        await direct.ExecuteAsync("CREATE TABLE items (name TEXT)");
        using var db = server.Open(name, _proxy.Url(name));
        await db.GetProtocolVersionAsync();

        _proxy.Break(ProxyFault.DropBeforeForwarding);
        await Assert.ThrowsAsync<LibsqlConnectionException>(() => db.ExecuteAsync("INSERT INTO items VALUES ('never')"));

        Assert.Single(_proxy.Pipelines);
        Assert.Equal(0L, (await direct.ExecuteAsync("SELECT count(*) FROM items")).Rows[0][0].AsInt64());
    }

    [Fact]
    public async Task AReadWhoseConnectionDropsIsSentAgainAndSucceeds()
    {
        var name = await server.CreateDatabaseAsync("dropped-read");
        using var db = server.Open(name, _proxy.Url(name));
        await db.GetProtocolVersionAsync();

        _proxy.Break(ProxyFault.DropBeforeForwarding, times: 2);
        var result = await db.ExecuteAsync(new Statement("SELECT ?", 7));

        Assert.Equal(7L, result.Rows[0][0].AsInt64());
        Assert.Equal(3, _proxy.Pipelines.Count());
    }

    [Fact]
    public async Task AReadGivesUpAfterReadRetries()
    {
        var name = await server.CreateDatabaseAsync("retries");
        using var db = server.Open(name, _proxy.Url(name), o => o with { ReadRetries = 1 });
        await db.GetProtocolVersionAsync();

        _proxy.Break(ProxyFault.DropBeforeForwarding, times: 2);
        await Assert.ThrowsAsync<LibsqlConnectionException>(() => db.ExecuteAsync("SELECT 1"));

        Assert.Equal(2, _proxy.Pipelines.Count());
    }

    [Fact]
    public async Task AStatementInATransactionIsNeverSentAgain()
    {
        var name = await server.CreateDatabaseAsync("stream-read");
        using var db = server.Open(name, _proxy.Url(name));
        await using var transaction = await db.BeginTransactionAsync();
        var before = _proxy.Pipelines.Count();

        _proxy.Break(ProxyFault.DropBeforeForwarding);
        await Assert.ThrowsAsync<LibsqlConnectionException>(() => transaction.ExecuteAsync("SELECT 1"));

        Assert.Equal(1, _proxy.Pipelines.Count() - before);
    }

    [Fact]
    public async Task ASilentServerEndsTheCallAtTheTimeout()
    {
        var name = await server.CreateDatabaseAsync("timeout");
        using var db = server.Open(name, _proxy.Url(name), o => o with { Timeout = TimeSpan.FromMilliseconds(500) });
        await db.GetProtocolVersionAsync();

        _proxy.Break(ProxyFault.Stall);
        var error = await Assert.ThrowsAsync<LibsqlTimeoutException>(() => db.ExecuteAsync("SELECT 1"));

        Assert.Equal("TIMEOUT", error.Code);
        // A timed-out read is not resent: the server may still be working on it.
        Assert.Single(_proxy.Pipelines);
    }

    [Fact]
    public async Task CancellingEndsTheCallWithOperationCanceled()
    {
        var name = await server.CreateDatabaseAsync("cancel");
        using var db = server.Open(name, _proxy.Url(name));
        await db.GetProtocolVersionAsync();
        using var cancel = new CancellationTokenSource();

        _proxy.Break(ProxyFault.Stall);
        var call = db.ExecuteAsync("SELECT 1", cancel.Token);
        await Eventually(() => _proxy.Pipelines.Any());
        await cancel.CancelAsync();

        var error = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        Assert.IsNotAssignableFrom<LibsqlException>(error);
        Assert.Equal(cancel.Token, error.CancellationToken);
    }

    [Fact]
    public async Task RequestsOneAfterAnotherReuseOneKeptAliveConnection()
    {
        var name = await server.CreateDatabaseAsync("keep-alive");
        using var db = server.Open(name, _proxy.Url(name));

        for (var i = 0; i < 20; i++)
        {
            await db.ExecuteAsync(new Statement("SELECT ?", i));
        }

        Assert.Equal(21, _proxy.Requests.Count);
        Assert.Single(_proxy.Connections);
    }

    [Fact]
    public async Task AServerWithoutVersion3IsSpokenToInVersion2()
    {
        var name = await server.CreateDatabaseAsync("v2");
        using var db = server.Open(name, _proxy.Url(name));
        _proxy.RefuseVersion3 = true;

        var version = await db.GetProtocolVersionAsync();
        var result = await db.BatchAsync([new Statement("SELECT ?", "via v2")]);

        Assert.Equal(2, version);
        Assert.Equal("via v2", result[0].Rows[0][0].AsString());
        Assert.All(_proxy.Pipelines, path => Assert.EndsWith("/v2/pipeline", path, StringComparison.Ordinal));
        var autocommit = new Batch();
        autocommit.Add("SELECT 1", new BatchCondition.IsAutocommit());
        await Assert.ThrowsAsync<NotSupportedException>(() => db.BatchAsync(autocommit));
    }

    [Fact]
    public async Task AServerWithVersion3IsSpokenToInVersion3()
    {
        var name = await server.CreateDatabaseAsync("v3");
        using var db = server.Open(name, _proxy.Url(name));

        await db.ExecuteAsync("SELECT 1");

        Assert.Equal(3, await db.GetProtocolVersionAsync());
        Assert.Equal([$"GET /db/{name}/v3", $"POST /db/{name}/v3/pipeline"], _proxy.Requests);
    }

    [Fact]
    public async Task AStreamFollowsTheBaseUrlTheServerHandsOut()
    {
        var name = await server.CreateDatabaseAsync("moved");
        using var db = server.Open(name, _proxy.Url(name));
        await db.ExecuteAsync("CREATE TABLE items (name TEXT)");
        _proxy.MoveStreams = true;

        await using (var transaction = await db.BeginTransactionAsync())
        {
            await transaction.ExecuteAsync("INSERT INTO items VALUES ('moved')");
            await transaction.CommitAsync();
        }

        Assert.Equal(2, _proxy.Pipelines.Count(p => p.StartsWith($"POST /moved/db/{name}/", StringComparison.Ordinal)));
        Assert.Equal(1L, (await db.ExecuteAsync("SELECT count(*) FROM items")).Rows[0][0].AsInt64());
    }

    [Fact]
    public async Task AnAnswerPastMaxResponseBytesIsRefused()
    {
        using var db = server.Open(await server.CreateDatabaseAsync("large"), configure: o => o with { MaxResponseBytes = 100_000 });

        var small = await db.ExecuteAsync("SELECT zeroblob(50000)");
        var error = await Assert.ThrowsAsync<LibsqlException>(() => db.ExecuteAsync("SELECT zeroblob(100000)"));

        Assert.Equal(50_000, small.Rows[0][0].AsBytes().Length);
        Assert.Equal("RESPONSE_TOO_LARGE", error.Code);
        Assert.Contains("MaxResponseBytes", error.Message, StringComparison.Ordinal);
    }

    private static async Task Eventually(Func<bool> condition)
    {
        for (var i = 0; i < 200 && !condition(); i++)
        {
            await Task.Delay(50);
        }

        Assert.True(condition());
    }
}
