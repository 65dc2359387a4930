using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Testing;

namespace Benchmarks;

/// <summary>
/// <c>gateway [--users U] [--concurrency C] [--seconds S] [--telemetry on|off]</c>: the whole system through the
/// AppHost; <c>GET /api/me</c> through the gateway and straight to todoservice, same client, same run.
/// </summary>
internal static class GatewayBenchmark
{
    public static async Task<int> RunAsync(int users, int concurrency, TimeSpan duration, bool telemetry)
    {
        var platform = new BenchmarkPlatform(telemetry);
        await platform.InitializeAsync();
        try
        {
            var tokens = new List<string>(users);
            for (var i = 0; i < users; i++)
            {
                var issued = await platform.Gateway.PostAsJsonAsync("/dev/token", new { sub = $"bench_user_{i}" });
                var token = (await issued.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
                // The first signed-in request provisions the user's database.
                (await SendAsync(platform.Gateway, token)).Dispose();
                tokens.Add(token);
            }

            using var direct = new HttpClient { BaseAddress = platform.App.GetEndpoint("todoservice") };
            Console.WriteLine($"{users} users, {concurrency} concurrent, {duration.TotalSeconds:0} s per path, telemetry {(telemetry ? "on" : "off")}");
            foreach (var (path, client) in new[] { ("gateway", platform.Gateway), ("direct", direct) })
            {
                await MeasureAsync(client, tokens, concurrency, TimeSpan.FromSeconds(2)); // warm-up
                var (latencies, elapsed) = await MeasureAsync(client, tokens, concurrency, duration);
                Console.WriteLine(FormattableString.Invariant(
                    $"{path,-8} {latencies.Length / elapsed.TotalSeconds,8:0} requests/s  {Percentiles.Summary(latencies)}"));
            }

            return 0;
        }
        finally
        {
            await platform.DisposeAsync();
        }
    }

    private static async Task<(double[] Latencies, TimeSpan Elapsed)> MeasureAsync(HttpClient client, List<string> tokens, int concurrency, TimeSpan duration)
    {
        var started = Stopwatch.GetTimestamp();
        var workers = Enumerable.Range(0, concurrency).Select(async worker =>
        {
            var latencies = new List<double>();
            var next = worker;
            while (Stopwatch.GetElapsedTime(started) < duration)
            {
                var sent = Stopwatch.GetTimestamp();
                using var response = await SendAsync(client, tokens[next++ % tokens.Count]);
                response.EnsureSuccessStatusCode();
                latencies.Add(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
            }

            return latencies;
        });
        var all = await Task.WhenAll(workers);
        return (all.SelectMany(latencies => latencies).ToArray(), Stopwatch.GetElapsedTime(started));
    }

    private static Task<HttpResponseMessage> SendAsync(HttpClient client, string token)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/me");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client.SendAsync(request);
    }

    // Spread over many users with the per-tenant limit raised, so the limiter is not what is measured.
    private sealed class BenchmarkPlatform(bool telemetry) : PlatformFixture
    {
        protected override IEnumerable<string> Arguments => ["--TENANT_RATE_LIMIT=100000", $"--DASHBOARD_ENABLED={(telemetry ? "true" : "false")}"];
    }
}
