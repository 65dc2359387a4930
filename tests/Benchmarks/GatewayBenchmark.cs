using System.Globalization;
using System.Net.Http.Json;
using Aspire.Hosting.Testing;
using Testing;

namespace Benchmarks;

/// <summary>
/// <c>gateway [--users U] [--todos T] [--concurrency C] [--seconds S] [--rounds R]</c>: the whole system through the
/// AppHost, once with telemetry on and once off. For <c>GET /api/me</c> and the todo list, wrk loads the gateway and
/// then todoservice straight, R times in turn, same client, same run, spread over U users each holding T todos.
/// </summary>
internal static class GatewayBenchmark
{
    private static readonly string[] Paths = ["/api/me", "/api/todos?limit=20"];

    public static async Task<int> RunAsync(int users, int todos, int concurrency, TimeSpan duration, int rounds)
    {
        Console.WriteLine($"Machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}; load average before: {BenchmarkCommand.LoadAverage()}");
        Console.WriteLine($"{users} users with {todos} todos each, {concurrency} connections, {rounds} rounds of gateway then direct for {duration.TotalSeconds:0} s each, after a 10 s warm-up of each");
        var throughput = new Dictionary<(bool Telemetry, string Path), double>();
        foreach (var telemetry in new[] { true, false })
        {
            var platform = new BenchmarkPlatform(telemetry);
            await platform.InitializeAsync();
            try
            {
                var tokens = await SeedUsersAsync(platform, users, todos);
                var gatewayPid = await platform.ProcessIdAsync("gateway");
                foreach (var path in Paths)
                {
                    var viaGatewayUrl = new Uri(platform.App.GetEndpoint("gateway"), path);
                    var directUrl = new Uri(platform.App.GetEndpoint("todoservice"), path);
                    foreach (var url in (Uri[])[viaGatewayUrl, directUrl])
                    {
                        // Long enough for tiered JIT to reach its optimized code on a busy 2-core machine.
                        await Wrk.RunAsync(url, tokens, concurrency, TimeSpan.FromSeconds(10));
                    }

                    // Gateway and direct alternate, so drift in what else the machine does falls on both alike.
                    var ratios = new List<double>();
                    var gatewayRates = new List<double>();
                    var gatewayCpu = new List<double>();
                    for (var round = 1; round <= rounds; round++)
                    {
                        var cpuBefore = ProcessCpu.Of(gatewayPid);
                        var viaGateway = await Wrk.RunAsync(viaGatewayUrl, tokens, concurrency, duration);
                        gatewayCpu.Add((ProcessCpu.Of(gatewayPid) - cpuBefore).TotalMicroseconds / (viaGateway.RequestsPerSecond * duration.TotalSeconds));
                        var direct = await Wrk.RunAsync(directUrl, tokens, concurrency, duration);
                        Console.WriteLine($"telemetry {(telemetry ? "on " : "off")}  {path,-20} round {round}  gateway {viaGateway}  direct {direct}");
                        gatewayRates.Add(viaGateway.RequestsPerSecond);
                        ratios.Add(viaGateway.RequestsPerSecond / direct.RequestsPerSecond);
                    }

                    throughput[(telemetry, path)] = Percentiles.Of([.. gatewayRates], 50);
                    Console.WriteLine(FormattableString.Invariant(
                        $"telemetry {(telemetry ? "on " : "off")}  {path,-20} the gateway keeps {Percentiles.Of([.. ratios], 50):P0} of direct throughput (median of {rounds} rounds; {string.Join(", ", ratios.Select(ratio => ratio.ToString("P0", CultureInfo.InvariantCulture)))}); the gateway's CPU per proxied request {Percentiles.Of([.. gatewayCpu], 50):0} µs"));
                }
            }
            finally
            {
                await platform.DisposeAsync();
            }
        }

        foreach (var path in Paths)
        {
            Console.WriteLine(FormattableString.Invariant(
                $"telemetry cost through the gateway, {path}: {1 - throughput[(true, path)] / throughput[(false, path)]:P0} of throughput"));
        }

        Console.WriteLine($"load average after: {BenchmarkCommand.LoadAverage()}");
        return 0;
    }

    // The dashboard's "pid" of the gateway resource: its CPU time divided by the requests it proxied.
    // Each user's first request provisions their database; the todos give the list something to page.
    private static async Task<List<string>> SeedUsersAsync(BenchmarkPlatform platform, int users, int todos)
    {
        var tokens = new List<string>(users);
        for (var i = 0; i < users; i++)
        {
            tokens.Add(await SeedUserAsync(platform, $"bench_user_{i}", i, todos));
        }

        return tokens;
    }

    /// <summary>
    /// Signs <paramref name="userId"/> in and gives them <paramref name="todos"/> todos (described as user <paramref name="index"/>'s)
    /// through the gateway; returns their token. The first request provisions their database unless a record already places it.
    /// </summary>
    internal static async Task<string> SeedUserAsync(BenchmarkPlatform platform, string userId, int index, int todos)
    {
        var token = await platform.SignInAsync(userId);
        for (var t = 0; t < todos; t++)
        {
            using var create = BenchmarkPlatform.Authorized(HttpMethod.Post, "/api/todos", token);
            create.Content = JsonContent.Create(new { description = $"todo {t} of user {index}" });
            (await platform.Gateway.SendAsync(create)).EnsureSuccessStatusCode();
        }

        return token;
    }
}
