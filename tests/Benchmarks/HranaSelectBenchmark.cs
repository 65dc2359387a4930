using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;

namespace Benchmarks;

/// <summary>
/// <c>hrana-select</c>: point SELECTs by primary key through the libSQL endpoint (<c>POST /db/{name}/v2/pipeline</c>),
/// each a one-shot pipeline (execute + close) as <c>@libsql/client</c> sends <c>client.execute()</c>; reports
/// requests/s and latency at the client and inside the service (Server-Timing).
/// </summary>
internal static class HranaSelectBenchmark
{
    private const string Database = "bench-hrana";
    private const int Rows = 10_000;
    private const int Warmup = 2_000;

    public static async Task<int> RunAsync(BenchmarkEnvironment environment, int count, int concurrency)
    {
        var client = environment.Client;
        using (var create = await client.PostAsync("/v1/organizations/local/databases",
            new StringContent($"{{\"name\":\"{Database}\"}}", Encoding.UTF8, "application/json")))
        {
            create.EnsureSuccessStatusCode();
        }

        await PipelineAsync(client, """{"baton":null,"requests":[{"type":"sequence","sql":"CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL, price REAL NOT NULL)"},{"type":"close"}]}""");
        await PipelineAsync(client, $$$"""{"baton":null,"requests":[{"type":"execute","stmt":{"sql":"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {{{Rows}}}) INSERT INTO items SELECT i, 'item ' || i, i * 0.25 FROM n"}},{"type":"close"}]}""");

        await RunManyAsync(client, Warmup, concurrency);
        Console.WriteLine($"Point SELECT by primary key over /db/{Database}/v2/pipeline: {count} requests, {concurrency} concurrent clients...");
        var (clientTimes, serverTimes, elapsed) = await RunManyAsync(client, count, concurrency);

        Console.WriteLine(FormattableString.Invariant($"throughput: {count / elapsed.TotalSeconds:0} requests/s ({count} in {elapsed.TotalSeconds:0.0} s)"));
        Console.WriteLine(FormattableString.Invariant($"at the client:                     {Percentiles.Summary(clientTimes)}"));
        Console.WriteLine(FormattableString.Invariant($"inside the service (Server-Timing): {Percentiles.Summary(serverTimes)}"));
        return 0;
    }

    private static async Task<(double[] Client, double[] Server, TimeSpan Elapsed)> RunManyAsync(HttpClient client, int count, int concurrency)
    {
        var clientTimes = new double[count];
        var serverTimes = new double[count];
        var next = -1;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(worker => Task.Run(async () =>
        {
            var random = new Random(worker);
            int index;
            while ((index = Interlocked.Increment(ref next)) < count)
            {
                var id = random.Next(1, Rows + 1).ToString(CultureInfo.InvariantCulture);
                var body = $$$"""{"baton":null,"requests":[{"type":"execute","stmt":{"sql":"SELECT id, name, price FROM items WHERE id = ?","args":[{"type":"integer","value":"{{{id}}}"}]}},{"type":"close"}]}""";
                var started = Stopwatch.GetTimestamp();
                var response = await PipelineAsync(client, body);
                clientTimes[index] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                serverTimes[index] = response.ServerMs;
                if (!response.Body.Contains("\"type\":\"ok\"", StringComparison.Ordinal) || !response.Body.Contains("item " + id, StringComparison.Ordinal))
                {
                    throw new InvalidOperationException($"unexpected answer for id {id}: {response.Body}");
                }
            }
        })));
        return (clientTimes, serverTimes, clock.Elapsed);
    }

    private static async Task<(string Body, double ServerMs)> PipelineAsync(HttpClient client, string body)
    {
        using var response = await client.PostAsync($"/db/{Database}/v2/pipeline", new StringContent(body, Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"pipeline: {(int)response.StatusCode} {text}");
        }

        using (var document = JsonDocument.Parse(text))
        {
            foreach (var result in document.RootElement.GetProperty("results").EnumerateArray())
            {
                if (result.GetProperty("type").GetString() != "ok")
                {
                    throw new InvalidOperationException($"pipeline request failed: {result}");
                }
            }
        }

        return (text, ServerTimingHeader.Milliseconds(response));
    }
}
