using System.Diagnostics;
using System.Globalization;
using System.Text;
using LibsqlClient;

namespace Benchmarks;

/// <summary>
/// <c>libsql-client</c>: what the C# libSQL client (LibsqlClient/) costs per request. Point SELECTs by primary key against
/// a local tenantservice, each a one-shot <c>v3/pipeline</c> (execute + close), sent by <see cref="LibsqlDatabase"/> and by
/// a bare <see cref="HttpClient"/> posting the same JSON and reading the answer's bytes unparsed. Rounds alternate
/// between the two; reported: requests/s and this process's CPU per request (the client side only), medians of the rounds.
/// </summary>
internal static class LibsqlClientBenchmark
{
    private const string Database = "bench-libsql-client";
    private const int Rows = 10_000;

    public static async Task<int> RunAsync(BenchmarkEnvironment environment, int count, int concurrency, int rounds)
    {
        using (var create = await environment.Client.PostAsync("/v1/organizations/local/databases",
            new StringContent($"{{\"name\":\"{Database}\"}}", Encoding.UTF8, "application/json")))
        {
            create.EnsureSuccessStatusCode();
        }

        var url = new Uri(environment.Client.BaseAddress!, $"/db/{Database}/");
        using var http = LibsqlDatabase.CreateHttpClient();
        using var db = new LibsqlDatabase(new LibsqlClientOptions { Url = url, AuthToken = BenchmarkEnvironment.Token }, http);
        await db.ExecuteAsync("CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL, price REAL NOT NULL)");
        await db.ExecuteAsync($"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {Rows}) INSERT INTO items SELECT i, 'item ' || i, i * 0.25 FROM n");
        Console.WriteLine($"Hrana version {await db.GetProtocolVersionAsync()}; {count} point SELECTs per round, {concurrency} concurrent, {rounds} rounds each, alternating");

        var pipeline = new Uri(url, "v3/pipeline");
        Func<long, Task> viaClient = async id =>
        {
            var result = await db.ExecuteAsync(new Statement("SELECT id, name, price FROM items WHERE id = ?", id));
            Check(result.Rows[0]["name"].AsString() == "item " + id.ToString(CultureInfo.InvariantCulture), id);
        };
        Func<long, Task> viaRawHttp = async id =>
        {
            var body = $$$"""{"baton":null,"requests":[{"type":"execute","stmt":{"sql":"SELECT id, name, price FROM items WHERE id = ?","args":[{"type":"integer","value":"{{{id}}}"}],"want_rows":true}},{"type":"close"}]}""";
            using var request = new HttpRequestMessage(HttpMethod.Post, pipeline) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            request.Headers.Authorization = new("Bearer", BenchmarkEnvironment.Token);
            using var response = await http.SendAsync(request);
            var bytes = await response.Content.ReadAsByteArrayAsync();
            Check(response.IsSuccessStatusCode && bytes.Length > 100, id);
        };

        await RunRoundAsync(viaRawHttp, count / 4, concurrency);
        await RunRoundAsync(viaClient, count / 4, concurrency);
        var raw = new List<(double Rate, double CpuMicros)>();
        var client = new List<(double Rate, double CpuMicros)>();
        for (var round = 0; round < rounds; round++)
        {
            raw.Add(await RunRoundAsync(viaRawHttp, count, concurrency));
            client.Add(await RunRoundAsync(viaClient, count, concurrency));
            Console.WriteLine(FormattableString.Invariant(
                $"round {round + 1}: raw HttpClient {raw[^1].Rate:0} req/s, {raw[^1].CpuMicros:0.0} µs CPU/req | LibsqlClient {client[^1].Rate:0} req/s, {client[^1].CpuMicros:0.0} µs CPU/req (load {BenchmarkCommand.LoadAverage()})"));
        }

        var (rawRate, rawCpu) = (Median(raw.Select(r => r.Rate)), Median(raw.Select(r => r.CpuMicros)));
        var (clientRate, clientCpu) = (Median(client.Select(r => r.Rate)), Median(client.Select(r => r.CpuMicros)));
        Console.WriteLine(FormattableString.Invariant($"median raw HttpClient: {rawRate:0} req/s, {rawCpu:0.0} µs client CPU per request"));
        Console.WriteLine(FormattableString.Invariant($"median LibsqlClient:   {clientRate:0} req/s, {clientCpu:0.0} µs client CPU per request"));
        Console.WriteLine(FormattableString.Invariant($"LibsqlClient / raw: throughput {clientRate / rawRate:0.00}x, client CPU {clientCpu / rawCpu:0.00}x (+{clientCpu - rawCpu:0.0} µs per request)"));
        return 0;
    }

    private static async Task<(double Rate, double CpuMicros)> RunRoundAsync(Func<long, Task> request, int count, int concurrency)
    {
        var next = -1;
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(worker => Task.Run(async () =>
        {
            var random = new Random(worker);
            while (Interlocked.Increment(ref next) < count)
            {
                await request(random.Next(1, Rows + 1));
            }
        })));
        var elapsed = clock.Elapsed;
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
        return (count / elapsed.TotalSeconds, cpu.TotalMicroseconds / count);
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static void Check(bool ok, long id)
    {
        if (!ok)
        {
            throw new InvalidOperationException($"unexpected answer for id {id}");
        }
    }
}
