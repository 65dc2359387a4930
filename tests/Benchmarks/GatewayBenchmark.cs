using System.Net.Http.Json;

namespace Benchmarks;

/// <summary>
/// <c>gateway [--users U] [--todos T] [--concurrency C] [--seconds S]</c>: the whole system through the AppHost,
/// once with telemetry on and once off. For <c>GET /api/me</c> and the todo list, wrk loads the gateway and
/// then todoservice straight, same client, same run, spread over U users each holding T todos.
/// </summary>
internal static class GatewayBenchmark
{
    private static readonly string[] Paths = ["/api/me", "/api/todos?limit=20"];

    public static async Task<int> RunAsync(int users, int todos, int concurrency, TimeSpan duration)
    {
        Console.WriteLine($"Machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}; load average before: {BenchmarkCommand.LoadAverage()}");
        Console.WriteLine($"{users} users with {todos} todos each, {concurrency} connections, {duration.TotalSeconds:0} s per measurement after a 10 s warm-up");
        var throughput = new Dictionary<(bool Telemetry, string Path), double>();
        foreach (var telemetry in new[] { true, false })
        {
            var platform = new BenchmarkPlatform(telemetry);
            await platform.InitializeAsync();
            try
            {
                var tokens = await SeedUsersAsync(platform, users, todos);
                var targets = new[] { ("gateway", platform.App.GetEndpoint("gateway")), ("direct", platform.App.GetEndpoint("todoservice")) };
                foreach (var path in Paths)
                {
                    var results = new Dictionary<string, WrkResult>();
                    foreach (var (name, endpoint) in targets)
                    {
                        var url = new Uri(endpoint, path);
                        // Long enough for tiered JIT to reach its optimized code on a busy 2-core machine.
                        await Wrk.RunAsync(url, tokens, concurrency, TimeSpan.FromSeconds(10));
                        results[name] = await Wrk.RunAsync(url, tokens, concurrency, duration);
                        Console.WriteLine($"telemetry {(telemetry ? "on " : "off")}  {path,-20} {name,-8} {results[name]}");
                    }

                    throughput[(telemetry, path)] = results["gateway"].RequestsPerSecond;
                    Console.WriteLine(FormattableString.Invariant(
                        $"telemetry {(telemetry ? "on " : "off")}  {path,-20} the gateway keeps {results["gateway"].RequestsPerSecond / results["direct"].RequestsPerSecond:P0} of direct throughput"));
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

    // Each user's first request provisions their database; the todos give the list something to page.
    private static async Task<List<string>> SeedUsersAsync(BenchmarkPlatform platform, int users, int todos)
    {
        var tokens = new List<string>(users);
        for (var i = 0; i < users; i++)
        {
            var token = await platform.SignInAsync($"bench_user_{i}");
            for (var t = 0; t < todos; t++)
            {
                using var create = BenchmarkPlatform.Authorized(HttpMethod.Post, "/api/todos", token);
                create.Content = JsonContent.Create(new { description = $"todo {t} of user {i}" });
                (await platform.Gateway.SendAsync(create)).EnsureSuccessStatusCode();
            }

            tokens.Add(token);
        }

        return tokens;
    }
}
