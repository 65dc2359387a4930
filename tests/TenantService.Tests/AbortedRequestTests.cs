using System.Net.Http.Json;
using Testing;

namespace TenantService.Tests;

/// <summary>A client that gives up stops its SQL: tenantservice (a real process) spends no more CPU on it.</summary>
[Collection(TenantServiceCollection.Name)]
public sealed class AbortedRequestTests(RedisFixture redis) : IDisposable
{
    // Far longer than the test: without the interrupt the statement would keep a core busy throughout.
    private const string Runaway =
        "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 100000000000) SELECT count(*) FROM c";

    private readonly string _dataDirectory = TestData.NewDataDirectory();

    public void Dispose() => TestData.DeleteDirectory(_dataDirectory);

    [Fact]
    public async Task AnAbortedLibsqlRequestStopsItsStatement()
    {
        await using var service = await TenantServiceProcess.StartAsync(_dataDirectory, redis.ConnectionString, TenantServiceApp.Token,
            new Dictionary<string, string> { ["Tenancy__StatementTimeout"] = "00:01:00" });
        (await service.Client.PostAsJsonAsync("/v1/organizations/local/databases", new { name = "runaway" })).EnsureSuccessStatusCode();

        using (var giveUp = new CancellationTokenSource(TimeSpan.FromMilliseconds(500)))
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => service.Client.PostAsJsonAsync("/db/runaway/v3/pipeline", new
            {
                requests = new object[] { new { type = "execute", stmt = new { sql = Runaway } } },
            }, giveUp.Token));
        }

        // Let the abort reach the service, then see whether a core is still busy for the gone client.
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        var before = ProcessCpu.Of(service.ProcessId);
        await Task.Delay(TimeSpan.FromSeconds(2));
        var used = ProcessCpu.Of(service.ProcessId) - before;

        Assert.True(used < TimeSpan.FromSeconds(0.8), $"tenantservice used {used.TotalSeconds:0.00} s of CPU in the 2 s after the client left");
    }
}
