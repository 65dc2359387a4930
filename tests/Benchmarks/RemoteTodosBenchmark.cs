using System.Globalization;
using Aspire.Hosting.Testing;
using StackExchange.Redis;
using Tenancy.Databases;
using Tenancy.Metadata;
using Testing;

namespace Benchmarks;

/// <summary>
/// <c>remote-todos [--tenants N] [--todos M] [--concurrency C] [--seconds S] [--rounds R] [--direct]</c> (issue 19 item 6): the
/// todo list through the gateway for N users whose databases are this node's files and N users whose databases are on a
/// storage node, a second TenantService with its own DATA_DIR and Redis (<see cref="RemoteNode"/>) that todoservice reaches
/// with the C# libSQL client. wrk loads local then remote, R rounds in turn, after a warm-up of each; with <c>--direct</c>
/// also straight to todoservice. Each run gives the CPU time per request of todoservice, the storage node and the gateway.
/// Telemetry is off: the storage node exports none either.
/// </summary>
internal static class RemoteTodosBenchmark
{
    private const string ListPath = "/api/todos?limit=20";
    private const string Backend = "node-b";
    private const double TargetRatio = 0.60;

    // Long enough for tiered JIT to reach its optimized code on a busy 2-core machine, as in the gateway benchmark.
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(10);

    public static async Task<int> RunAsync(int tenants, int todos, int concurrency, TimeSpan duration, int rounds, bool direct)
    {
        Console.WriteLine($"Machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}; load average before: {BenchmarkCommand.LoadAverage()}");
        Console.WriteLine(FormattableString.Invariant(
            $"{tenants} users with local databases and {tenants} with databases on the storage node, {todos} todos each; {concurrency} connections, {rounds} rounds of local then remote {(direct ? "through the gateway, then straight to todoservice" : "through the gateway")}, {duration.TotalSeconds:0} s each, after a {WarmUp.TotalSeconds:0} s warm-up of each"));
        await using var node = await RemoteNode.StartAsync();
        var platform = new BenchmarkPlatform(telemetry: false, new Dictionary<string, string>
        {
            ["STORAGE_BACKENDS"] = Backend,
            ["STORAGE_NODE_B_URL"] = node.Address.ToString(),
            ["STORAGE_NODE_B_TOKEN"] = node.Token,
        });
        await platform.InitializeAsync();
        try
        {
            var localTokens = new List<string>(tenants);
            for (var i = 0; i < tenants; i++)
            {
                localTokens.Add(await GatewayBenchmark.SeedUserAsync(platform, LocalUser(i), i, todos));
            }

            var remoteTokens = await SeedRemoteUsersAsync(platform, node, tenants, todos);
            var processes = new[]
            {
                ("todoservice", await platform.ProcessIdAsync("todoservice")),
                ("storage node", node.Service.ProcessId),
                ("gateway", await platform.ProcessIdAsync("gateway")),
            };
            var gateway = new Uri(platform.App.GetEndpoint("gateway"), ListPath);
            var todoservice = new Uri(platform.App.GetEndpoint("todoservice"), ListPath);
            var loads = new List<Load> { new("gateway", "local", gateway, localTokens), new("gateway", "remote", gateway, remoteTokens) };
            if (direct)
            {
                loads.AddRange([new("direct", "local", todoservice, localTokens), new("direct", "remote", todoservice, remoteTokens)]);
            }

            foreach (var load in loads)
            {
                await Wrk.RunAsync(load.Url, load.Tokens, concurrency, WarmUp);
            }

            // Local and remote alternate, so drift in what else the machine does falls on both alike.
            var runs = loads.ToDictionary(load => load, _ => new List<MeasuredRun>());
            for (var round = 1; round <= rounds; round++)
            {
                foreach (var load in loads)
                {
                    var run = await MeasureAsync(load, concurrency, duration, processes);
                    runs[load].Add(run);
                    Console.WriteLine($"round {round}  {load}  {run}");
                }

                Console.WriteLine(FormattableString.Invariant($"round {round}  remote/local through the gateway {Ratio(runs, "gateway", round - 1):P0}") +
                    (direct ? FormattableString.Invariant($", straight to todoservice {Ratio(runs, "direct", round - 1):P0}") : ""));
            }

            Console.WriteLine($"median of {rounds} rounds:");
            foreach (var (load, measured) in runs)
            {
                Console.WriteLine($"  {load}  {MeasuredRun.Median(measured)}");
            }

            var met = Percentiles.Of(Ratios(runs, "gateway", rounds), 50) >= TargetRatio;
            Console.WriteLine(FormattableString.Invariant($"{RatioSummary(runs, "gateway", rounds)}; target >= {TargetRatio:P0}: {(met ? "met" : "not met")}"));
            if (direct)
            {
                Console.WriteLine(RatioSummary(runs, "direct", rounds));
            }
        }
        finally
        {
            await platform.DisposeAsync();
        }

        Console.WriteLine($"load average after: {BenchmarkCommand.LoadAverage()}");
        return 0;
    }

    private static string LocalUser(int index) => $"bench_local_{index}";

    private static string RatioSummary(Dictionary<Load, List<MeasuredRun>> runs, string path, int rounds)
    {
        var ratios = Ratios(runs, path, rounds);
        return FormattableString.Invariant(
            $"{path}: storage remote keeps {Percentiles.Of(ratios, 50):P0} of local throughput (median of {rounds} rounds; {string.Join(", ", ratios.Select(value => value.ToString("P0", CultureInfo.InvariantCulture)))})");
    }

    private static double[] Ratios(Dictionary<Load, List<MeasuredRun>> runs, string path, int rounds) =>
        [.. Enumerable.Range(0, rounds).Select(round => Ratio(runs, path, round))];

    private static double Ratio(Dictionary<Load, List<MeasuredRun>> runs, string path, int round) =>
        Rate(runs, path, "remote", round) / Rate(runs, path, "local", round);

    private static double Rate(Dictionary<Load, List<MeasuredRun>> runs, string path, string storage, int round) =>
        runs.Single(run => run.Key.Path == path && run.Key.Storage == storage).Value[round].Result.RequestsPerSecond;

    // Each database is made on the node through its Platform API, and placed there by a record in this node's Redis before
    // the user's first request, so the gateway finds the tenant and does not provision it here. The record is a local user's
    // (same schema, same version) with a placement.
    private static async Task<List<string>> SeedRemoteUsersAsync(BenchmarkPlatform platform, RemoteNode node, int users, int todos)
    {
        var redisAddress = await platform.App.GetConnectionStringAsync("cache") ?? throw new InvalidOperationException("The platform's cache has no connection string.");
        using var redis = await ConnectionMultiplexer.ConnectAsync(redisAddress);
        var metadata = new TenantMetadataStore(redis);
        var local = await metadata.FindAsync(TenantId.FromClerkId(LocalUser(0)))
            ?? throw new InvalidOperationException($"{LocalUser(0)} has no tenant record in the platform's Redis after its first request.");
        var tokens = new List<string>(users);
        for (var i = 0; i < users; i++)
        {
            var userId = $"bench_remote_{i}";
            var name = TenantId.FromClerkId(userId);
            var url = await node.CreateUserDatabaseAsync(name);
            await metadata.PublishAsync(local with { Name = name, CreatedAt = DateTimeOffset.UtcNow, Placement = new DatabasePlacement(Backend, url) }, TenantEventType.Created);
            tokens.Add(await GatewayBenchmark.SeedUserAsync(platform, userId, i, todos));
        }

        // What is measured as remote must be remote: had the gateway provisioned a user here, their file would be here.
        var here = new DatabaseLayout(platform.DataDirectory).DatabasePath(TenantId.FromClerkId("bench_remote_0"));
        if (File.Exists(here))
        {
            throw new InvalidOperationException($"bench_remote_0 was served from this node's files ({here}), not from the storage node.");
        }

        return tokens;
    }

    private static async Task<MeasuredRun> MeasureAsync(Load load, int concurrency, TimeSpan duration, (string Name, int Pid)[] processes)
    {
        var before = processes.Select(process => ProcessCpu.Of(process.Pid)).ToArray();
        var result = await Wrk.RunAsync(load.Url, load.Tokens, concurrency, duration);
        var requests = result.RequestsPerSecond * duration.TotalSeconds;
        return new MeasuredRun(result, processes.Select((process, i) => (process.Name, (ProcessCpu.Of(process.Pid) - before[i]).TotalMicroseconds / requests)).ToArray());
    }

    /// <summary>The list through the gateway or straight to todoservice (<paramref name="Path"/>), for local or remote users.</summary>
    private sealed record Load(string Path, string Storage, Uri Url, List<string> Tokens)
    {
        public override string ToString() => $"{Path,-7} {Storage,-6}";
    }

    /// <summary>One wrk run and each process's CPU time per request (µs) during it, from /proc.</summary>
    private sealed record MeasuredRun(WrkResult Result, (string Process, double Microseconds)[] CpuPerRequest)
    {
        public static MeasuredRun Median(List<MeasuredRun> runs) => new(
            new WrkResult(
                Percentiles.Of([.. runs.Select(run => run.Result.RequestsPerSecond)], 50),
                Percentiles.Of([.. runs.Select(run => run.Result.P50)], 50),
                Percentiles.Of([.. runs.Select(run => run.Result.P99)], 50)),
            runs[0].CpuPerRequest.Select((cpu, i) => (cpu.Process, Percentiles.Of([.. runs.Select(run => run.CpuPerRequest[i].Microseconds)], 50))).ToArray());

        public override string ToString() =>
            $"{Result}  CPU per request: {string.Join(", ", CpuPerRequest.Select(cpu => FormattableString.Invariant($"{cpu.Process} {cpu.Microseconds:0} µs")))}";
    }
}
