using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Testing;

namespace TenantService.Tests;

/// <summary>
/// Dumps of a large database on a real tenantservice process: a client that leaves or a dump over DUMP_TIMEOUT_MS stops
/// the SQLite work at once, and a database is dumped once at a time.
/// </summary>
[Collection(TenantServiceCollection.Name)]
public sealed class DumpLimitTests(RedisFixture redis) : IDisposable
{
    private const string User = "user_dumper";
    private const int Rows = 300_000;
    private static readonly string Database = TestTokens.DatabaseOf(User);
    private static readonly string DumpPath = $"/v1/organizations/local/databases/{Database}/dump";

    private readonly string _dataDirectory = TestData.NewDataDirectory();
    private readonly string _signingKey = TestTokens.NewSigningKeyPem();

    public void Dispose() => TestData.DeleteDirectory(_dataDirectory);

    [Fact]
    public async Task AnAbortedDumpStopsItsSqliteWork()
    {
        await using var service = await StartWithLargeDatabaseAsync();

        using (var leaving = new CancellationTokenSource())
        {
            using var response = await service.Client.GetAsync(DumpPath, HttpCompletionOption.ResponseHeadersRead, leaving.Token);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            await using var body = await response.Content.ReadAsStreamAsync(leaving.Token);
            await body.ReadExactlyAsync(new byte[64 * 1024], leaving.Token);
            await leaving.CancelAsync();
        }

        await AssertIdleAsync(service, "after the client left");
    }

    [Fact]
    public async Task ADumpOverTheTimeLimitStopsWithAClearErrorAndItsCpuStops()
    {
        await using var service = await StartWithLargeDatabaseAsync(new() { ["DUMP_TIMEOUT_MS"] = "500" });

        using var response = await service.Client.GetAsync(DumpPath, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var body = await response.Content.ReadAsStreamAsync();
        await body.ReadExactlyAsync(new byte[64 * 1024]);
        // A slow reader: the dump waits on it until the time limit passes.
        await Task.Delay(TimeSpan.FromSeconds(1));
        var rest = await new StreamReader(body).ReadToEndAsync();

        var lastLine = rest.TrimEnd('\n')[(rest.TrimEnd('\n').LastIndexOf('\n') + 1)..];
        Assert.StartsWith("ERROR: the dump of", lastLine, StringComparison.Ordinal);
        Assert.Contains("DUMP_TIMEOUT_MS (500 ms)", lastLine, StringComparison.Ordinal);
        Assert.DoesNotContain("COMMIT;", rest, StringComparison.Ordinal);
        await AssertIdleAsync(service, "after the dump's time limit");
    }

    [Fact]
    public async Task ASecondConcurrentDumpIsRefusedAndTheFirstCompletes()
    {
        await using var service = await StartWithLargeDatabaseAsync();

        using var first = await service.Client.GetAsync(DumpPath, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        await using var body = await first.Content.ReadAsStreamAsync();
        await body.ReadExactlyAsync(new byte[64 * 1024]);

        // The user's own "download my data" is the same database's dump, and waits its turn too.
        using var user = new HttpClient { BaseAddress = service.Address };
        user.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TestTokens.For(User, _signingKey));
        foreach (var (client, path) in new[] { (service.Client, DumpPath), (user, "/dump.sql") })
        {
            using var second = await client.GetAsync(path);
            var message = await second.Content.ReadAsStringAsync();
            Assert.True(second.StatusCode == HttpStatusCode.TooManyRequests, $"{path}: {(int)second.StatusCode} {message[..Math.Min(200, message.Length)]}");
            Assert.True(second.Headers.RetryAfter?.Delta is { TotalSeconds: >= 1 }, $"{path}: no Retry-After");
            Assert.Contains("one dump of a database runs at a time", message, StringComparison.Ordinal);
        }

        var rest = await new StreamReader(body).ReadToEndAsync();
        Assert.EndsWith("COMMIT;\n", rest, StringComparison.Ordinal);

        // Its turn over, the next dump runs.
        using var next = await user.GetAsync("/dump.sql", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
    }

    // A real process with a database of Rows rows of 100 random bytes: its dump is some 70 MB of text.
    private async Task<TenantServiceProcess> StartWithLargeDatabaseAsync(Dictionary<string, string>? settings = null)
    {
        settings ??= [];
        settings["DEV_JWT_SIGNING_KEY"] = _signingKey;
        // Filling the database is one long statement.
        settings["Tenancy__StatementTimeout"] = "00:02:00";
        var service = await TenantServiceProcess.StartAsync(_dataDirectory, redis.ConnectionString, TenantServiceApp.Token, settings);
        (await service.Client.PostAsJsonAsync("/v1/organizations/local/databases", new { name = Database })).EnsureSuccessStatusCode();
        using var filled = await service.Client.PostAsJsonAsync($"/db/{Database}/v3/pipeline", new
        {
            requests = new object[]
            {
                new { type = "execute", stmt = new { sql = "CREATE TABLE big (id INTEGER PRIMARY KEY, payload BLOB)" } },
                new { type = "execute", stmt = new { sql = $"WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < {Rows}) INSERT INTO big (payload) SELECT randomblob(100) FROM c" } },
                new { type = "close" },
            },
        });
        var answer = await filled.Content.ReadAsStringAsync();
        Assert.True(filled.IsSuccessStatusCode && !answer.Contains("\"error\"", StringComparison.Ordinal), $"filling: {answer}");
        return service;
    }

    // Lets the stop reach the service, then checks that no core is still busy on the dump.
    private static async Task AssertIdleAsync(TenantServiceProcess service, string when)
    {
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        var before = ProcessCpu.Of(service.ProcessId);
        await Task.Delay(TimeSpan.FromSeconds(2));
        var used = ProcessCpu.Of(service.ProcessId) - before;
        Assert.True(used < TimeSpan.FromSeconds(0.8), $"tenantservice used {used.TotalSeconds:0.00} s of CPU in the 2 s {when}");
    }
}
