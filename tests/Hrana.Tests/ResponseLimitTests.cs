using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Testing;
using Xunit.Abstractions;
using static Hrana.Tests.HranaClient;

namespace Hrana.Tests;

/// <summary>
/// The libSQL endpoint's response limits (HRANA_MAX_RESPONSE_BYTES, HRANA_MAX_TOTAL_RESPONSE_BYTES) against a real
/// tenantservice process, whose memory <c>/proc</c> shows.
/// </summary>
[Collection(ResponseLimitCollection.Name)]
public sealed class ResponseLimitTests(ResponseLimitFixture fixture, ITestOutputHelper output)
{
    private const long ResponseLimit = 10L << 20;
    private const long TotalLimit = 32L << 20;
    private const long Slack = 64_000_000;
    private const string TooLarge = "RESPONSE_TOO_LARGE";

    private int Pid => fixture.Service.ProcessId;

    [Fact]
    public async Task AGiantResultIsRefusedNamingTheLimitWhileMemoryStaysFlat()
    {
        // The measured attack: a 629-byte pipeline whose four statements each ask for 10 rows of a 16 MB blob (853 MB of JSON).
        var client = Client();
        var before = ProcessMemory.Bytes(Pid, "VmRSS");
        ProcessMemory.ResetPeak(Pid);

        var results = await client.PipelineAsync(
            Execute(RowsOf(10, "zeroblob(16000000)")), Execute(RowsOf(10, "zeroblob(16000000)")),
            Execute(RowsOf(10, "zeroblob(16000000)")), Execute(RowsOf(10, "zeroblob(16000000)")), Close());

        var growth = ProcessMemory.Bytes(Pid, "VmHWM") - before;
        output.WriteLine($"tenantservice RSS before {before / 1e6:0} MB, peak during the attack {(before + growth) / 1e6:0} MB (+{growth / 1e6:0} MB)");
        for (var i = 0; i < 4; i++)
        {
            var error = Error(results[i]);
            Assert.Equal(TooLarge, (string?)error["code"]);
            Assert.Contains("10 MiB", (string?)error["message"]);
            Assert.Contains("HRANA_MAX_RESPONSE_BYTES", (string?)error["message"]);
        }

        Ok(results[4]);
        Assert.True(growth <= ResponseLimit + Slack, $"tenantservice grew by {growth / 1e6:0} MB, more than the {ResponseLimit >> 20} MiB limit plus {Slack / 1e6:0} MB");
    }

    [Fact]
    public async Task AStatementIsStoppedAtTheLimitAndTheRestOfItsPipelineIsNotRun()
    {
        var client = Client();
        var table = "after_" + Guid.NewGuid().ToString("N")[..8];
        await client.QueryAsync($"CREATE TABLE {table} (v)");

        client.Baton = null;
        var results = await client.PipelineAsync(
            Execute("SELECT 1"),
            // 272 MB of JSON: stopped at the limit, after about 7,700 of its rows.
            Execute(RowsOf(200_000, "zeroblob(1000)")),
            Execute($"INSERT INTO {table} VALUES (1)"),
            Close());

        Assert.Equal(1L, Scalar(Ok(results[0])["result"]!.AsObject()));
        var stopped = Error(results[1]);
        Assert.Equal(TooLarge, (string?)stopped["code"]);
        Assert.Contains("HRANA_MAX_RESPONSE_BYTES", (string?)stopped["message"]);
        var notRun = Error(results[2]);
        Assert.Equal(TooLarge, (string?)notRun["code"]);
        Assert.StartsWith("Not run", (string?)notRun["message"]);
        Ok(results[3]);
        // The budget is per response: the next pipeline runs in full and sees that the refused write never happened.
        Assert.Equal(0L, Scalar(await client.QueryAsync($"SELECT count(*) FROM {table}")));
    }

    [Fact]
    public async Task ManyParallelBigPipelinesGetTheServiceWideLimitInsteadOfMemory()
    {
        // Each answer is about 9.2 MiB of JSON, under the 10 MiB response limit; three of them fit in 32 MiB at once.
        const int pipelines = 8;
        var body = new JsonObject { ["requests"] = new JsonArray(Execute(RowsOf(9, "zeroblob(800000)")), Close()) }.ToJsonString();
        var before = ProcessMemory.Bytes(Pid, "VmRSS");
        ProcessMemory.ResetPeak(Pid);

        // Nobody reads an answer until every one has started: an unread answer stays in flight, holding its rows.
        var responses = await Task.WhenAll(Enumerable.Range(0, pipelines).Select(_ => SendAsync(body)));
        var answers = new List<JsonNode?>();
        foreach (var response in responses)
        {
            using (response)
            {
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                answers.Add(JsonNode.Parse(await response.Content.ReadAsStringAsync())!["results"]![0]);
            }
        }

        var growth = ProcessMemory.Bytes(Pid, "VmHWM") - before;
        var refused = answers.Where(a => (string?)a!["type"] == "error").Select(a => a!["error"]!).ToList();
        var served = answers.Where(a => (string?)a!["type"] == "ok").ToList();
        output.WriteLine($"{served.Count} answered, {refused.Count} refused; tenantservice RSS before {before / 1e6:0} MB, peak +{growth / 1e6:0} MB");
        Assert.NotEmpty(refused);
        Assert.All(refused, error =>
        {
            Assert.Equal(TooLarge, (string?)error["code"]);
            Assert.Contains("HRANA_MAX_TOTAL_RESPONSE_BYTES", (string?)error["message"]);
            Assert.Contains("32 MiB", (string?)error["message"]);
        });
        Assert.InRange(served.Count, 1, 3);
        Assert.All(served, answer => Assert.All(HranaClient.Rows(answer!["response"]!["result"]!.AsObject()), row => Assert.Equal(800000, ((byte[])row[0]!).Length)));
        Assert.True(growth <= TotalLimit + Slack, $"tenantservice grew by {growth / 1e6:0} MB, more than the {TotalLimit >> 20} MiB limit plus {Slack / 1e6:0} MB");

        // Written answers gave their bytes back: the same pipeline is served again.
        using var again = await SendAsync(body);
        Assert.Equal("ok", (string?)JsonNode.Parse(await again.Content.ReadAsStringAsync())!["results"]![0]!["type"]);
    }

    [Fact]
    public async Task AMebibyteResultAndTheLargestValueThatFitsStillWork()
    {
        var client = Client();
        var text = await client.QueryAsync(RowsOf(1024, "printf('%.*c', 1024, 'x')"));
        Assert.Equal(1024, HranaClient.Rows(text).Count);
        Assert.All(HranaClient.Rows(text), row => Assert.Equal(new string('x', 1024), row[0]));

        // 7 MiB is 9.3 MiB as base64: stored and read back whole.
        var table = "blobs_" + Guid.NewGuid().ToString("N")[..8];
        await client.QueryAsync($"CREATE TABLE {table} (b BLOB)");
        await client.QueryAsync($"INSERT INTO {table} VALUES (randomblob(7340032))");
        var blob = (byte[])Scalar(await client.QueryAsync($"SELECT b FROM {table}"))!;
        Assert.Equal(7340032, blob.Length);
        Assert.Equal(Convert.ToHexString(blob[..16]), (string?)Scalar(await client.QueryAsync($"SELECT hex(substr(b, 1, 16)) FROM {table}")));

        // SQLite itself builds no value past the per-value limit (Tenancy__MaxValueBytes, 16 MiB).
        client.Baton = null;
        var giants = await client.PipelineAsync(Execute("SELECT randomblob(20000000)"), Execute("SELECT printf('%.*c', 20000000, 'x')"), Close());
        Assert.Equal("SQLITE_TOOBIG", (string?)Error(giants[0])["code"]);
        Assert.Equal("SQLITE_TOOBIG", (string?)Error(giants[1])["code"]);
    }

    [Theory]
    [InlineData("HRANA_MAX_RESPONSE_BYTES")]
    [InlineData("HRANA_MAX_TOTAL_RESPONSE_BYTES")]
    public async Task ASmallLimitIsHonoured(string setting)
    {
        await using var isolated = await ResponseLimitFixture.StartAsync(new Dictionary<string, string> { [setting] = "65536" });
        var client = new HranaClient(isolated.Process.Client, ResponseLimitFixture.Database, "v3");

        // About 27 KB of JSON, then about 100 KB in small values.
        Assert.Equal(20, HranaClient.Rows(await client.QueryAsync(RowsOf(20, "zeroblob(1000)"))).Count);
        client.Baton = null;
        var results = await client.PipelineAsync(Execute(RowsOf(2000, "i")), Close());
        var error = Error(results[0]);
        Assert.Equal(TooLarge, (string?)error["code"]);
        Assert.Contains("64 KiB", (string?)error["message"]);
        Assert.Contains(setting, (string?)error["message"]);
    }

    // count rows of one column holding value.
    private static string RowsOf(long count, string value) =>
        $"WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r WHERE i < {count}) SELECT {value} FROM r";

    private HranaClient Client() => new(fixture.Service.Client, ResponseLimitFixture.Database, "v3");

    private Task<HttpResponseMessage> SendAsync(string body) =>
        fixture.Service.Client.SendAsync(
            new HttpRequestMessage(HttpMethod.Post, $"/db/{ResponseLimitFixture.Database}/v3/pipeline") { Content = new StringContent(body, Encoding.UTF8, "application/json") },
            HttpCompletionOption.ResponseHeadersRead);
}
