using System.Diagnostics;
using Tenancy.Connections;
using Tenancy.Databases;
using Testing;

namespace Benchmarks;

/// <summary>
/// <c>todos [--tenants N] [--concurrency C] [--seconds S] [--zipf s] [--baseline PATH]</c>: N user databases provisioned through the
/// platform API, todoservice as its own process, and a load that picks tenants by Zipf(s). Reports requests/s and
/// latency of lists and creates at the client and inside the service, the connection cache's hit ratio, RSS and open files;
/// then the same for warm requests only (tenants whose database stays open). With <c>--baseline</c> (another build's
/// <c>TodoService.dll</c>, or a native AOT publish's executable) the load runs on the baseline, this build and the baseline again, on the same databases.
/// </summary>
internal static class TodosBenchmark
{
    private const string UserSchema = "todos-schema";
    private const double CreateShare = 0.10;
    private const int ProvisionConcurrency = 4;
    private const int SeededTenants = 1_000;
    private const double TargetListP50Ms = 1;
    private const double TargetRssMegabytes = 300;

    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(10);
    private static readonly string[] Generations = ["gen0", "gen1", "gen2"];

    public static async Task<int> RunAsync(BenchmarkEnvironment environment, int tenants, int concurrency, TimeSpan duration, double exponent, string? baseline = null)
    {
        var cacheBound = new TenantConnectionCacheOptions().MaxOpenDatabases;
        Console.WriteLine(FormattableString.Invariant(
            $"{tenants} tenants, Zipf s={exponent}, {concurrency} concurrent, {CreateShare:P0} creates, warm-up {WarmUp.TotalSeconds:0} s, measured {duration.TotalSeconds:0} s, MaxOpenDatabases {cacheBound} (default)"));
        await ProvisionAsync(environment, tenants);

        var signingKey = environment.SigningKeyPem;
        var clock = Stopwatch.StartNew();
        var tokens = UserTokens.Mint(signingKey, tenants, UserId);
        Console.WriteLine(FormattableString.Invariant($"{tenants} user tokens signed in {clock.Elapsed.TotalSeconds:0.0} s (before the load, never timed)"));

        // With a baseline build: baseline, this build, baseline again, on the same databases, so the two are compared within one run.
        (string Label, string? Assembly)[] builds = baseline is null ? [("this build", null)] : [("baseline", baseline), ("this build", null), ("baseline", baseline)];
        await using var metrics = await ServiceMetrics.StartAsync();
        var zipf = new ZipfSampler(tenants, exponent);
        var errors = 0;
        var seeded = false;
        foreach (var (label, assembly) in builds)
        {
            await environment.StartTodoServiceAsync(metrics.ServiceSettings, assembly);
            metrics.ForgetEarlierServices();
            var service = environment.TodoService!;
            Console.WriteLine(FormattableString.Invariant($"== {label} ({assembly ?? "this build"}): TodoService pid {service.ProcessId}, RSS {service.StatusMebibytes("VmRSS"):0} MiB, {service.OpenFiles} open files; load average {BenchmarkCommand.LoadAverage()}"));
            var load = new TodoLoad(environment.TodoClient!, tokens, zipf, CreateShare);
            if (!seeded)
            {
                var hottest = Math.Min(SeededTenants, tenants);
                clock.Restart();
                await load.SeedAsync(hottest, TodoLoad.PageSize, concurrency);
                Console.WriteLine(FormattableString.Invariant($"the {hottest} hottest tenants seeded with {TodoLoad.PageSize} todos each in {clock.Elapsed.TotalSeconds:0.0} s"));
                seeded = true;
            }

            errors += await MeasureBuildAsync(environment, metrics, load, tokens, tenants, exponent, concurrency, duration, cacheBound, zipf);
        }

        return errors == 0 ? 0 : 1;
    }

    private static async Task<int> MeasureBuildAsync(
        BenchmarkEnvironment environment, ServiceMetrics metrics, TodoLoad load, string[] tokens, int tenants, double exponent, int concurrency,
        TimeSpan duration, int cacheBound, ZipfSampler zipf)
    {
        var service = environment.TodoService!;
        var warmUp = await load.RunAsync(concurrency, WarmUp, seed: 1);
        Console.WriteLine(FormattableString.Invariant($"warm-up: {Throughput(warmUp)}"));
        var measured = await MeasureAsync("measured", load, metrics, concurrency, duration, seed: 2);
        Console.WriteLine(FormattableString.Invariant($"  the {cacheBound} hottest tenants draw {zipf.ShareOfTop(cacheBound):P1} of requests"));
        var rss = service.StatusMebibytes("VmRSS");
        var rssMegabytes = rss * 1024 * 1024 / 1e6;
        Console.WriteLine(FormattableString.Invariant(
            $"todoservice after the load: RSS {rss:0} MiB ({rssMegabytes:0} MB; {service.RssParts()}), peak {service.StatusMebibytes("VmHWM"):0} MiB, of which the GC commits {metrics.Latest("dotnet.gc.last_collection.memory.committed_size") / (1024 * 1024):0} MiB (heap {metrics.Latest("dotnet.gc.last_collection.heap.size") / (1024 * 1024):0} MiB at the last collection); {service.OpenFiles} open files"));

        // Warm requests: the same load over the hottest half of the cache bound, tenants LRU keeps open (its hit ratio shows it).
        var hot = Math.Min(tenants, cacheBound / 2);
        var warm = await MeasureAsync($"warm (hottest {hot} tenants)", new TodoLoad(environment.TodoClient!, tokens, new ZipfSampler(hot, exponent), CreateShare),
            metrics, concurrency, duration, seed: 3);

        var warmListP50 = Percentiles.Of([.. warm.List.Server], 50);
        Console.WriteLine(warmListP50 <= TargetListP50Ms
            ? FormattableString.Invariant($"target met: warm list p50 inside the service <= {TargetListP50Ms} ms")
            : FormattableString.Invariant($"TARGET MISSED: warm list p50 inside the service <= {TargetListP50Ms} ms"));
        Console.WriteLine(rssMegabytes <= TargetRssMegabytes
            ? FormattableString.Invariant($"target met: RSS <= {TargetRssMegabytes} MB")
            : FormattableString.Invariant($"TARGET MISSED: RSS <= {TargetRssMegabytes} MB"));
        return measured.List.Errors + measured.Create.Errors + warm.List.Errors + warm.Create.Errors;
    }

    // A quiet moment before and after, so the cache counters exported then belong to this phase alone.
    private static async Task<LoadResult> MeasureAsync(string phase, TodoLoad load, ServiceMetrics metrics, int concurrency, TimeSpan duration, int seed)
    {
        var before = await metrics.ReadCacheAfterAsync(DateTimeOffset.UtcNow);
        var (pausedBefore, allocatedBefore) = (metrics.Latest("dotnet.gc.pause.time"), metrics.Latest("dotnet.gc.heap.total_allocated"));
        var collectionsBefore = Generations.Select(generation => metrics.Latest("dotnet.gc.collections", generation)).ToArray();
        var result = await load.RunAsync(concurrency, duration, seed);
        var cache = (await metrics.ReadCacheAfterAsync(DateTimeOffset.UtcNow)).Since(before);
        var paused = metrics.Latest("dotnet.gc.pause.time") - pausedBefore;
        var allocated = metrics.Latest("dotnet.gc.heap.total_allocated") - allocatedBefore;
        var requests = result.List.Client.Count + result.Create.Client.Count;
        Console.WriteLine(FormattableString.Invariant($"{phase}: {Throughput(result)}"));
        Console.WriteLine(FormattableString.Invariant($"  list   inside the service: {Percentiles.Summary([.. result.List.Server])}"));
        Console.WriteLine(FormattableString.Invariant($"         at the client:      {Percentiles.Summary([.. result.List.Client])}"));
        Console.WriteLine(FormattableString.Invariant($"  create inside the service: {Percentiles.Summary([.. result.Create.Server])}"));
        Console.WriteLine(FormattableString.Invariant($"         at the client:      {Percentiles.Summary([.. result.Create.Client])}"));
        Console.WriteLine(FormattableString.Invariant(
            $"  connection cache: hit ratio {cache.HitRatio:P1} ({cache.Hits:0} hits, {cache.Misses:0} misses), {cache.Evictions:0} evictions, {cache.OpenDatabases:0} open databases"));
        // Collections pause every request in flight: their share of the phase is roughly the share of requests they can slow.
        Console.WriteLine(FormattableString.Invariant(
            $"  GC: {string.Join(" / ", Generations.Select((generation, i) => metrics.Latest("dotnet.gc.collections", generation) - collectionsBefore[i]))} collections (gen0 / gen1 / gen2), paused {paused * 1000:0} ms ({paused / result.Elapsed.TotalSeconds:P1} of the phase), {allocated / requests / 1024:0.0} KiB allocated per request"));
        return result;
    }

    private static string UserId(int index) => $"bench_user_{index}";

    // As the gateway provisions a first-time user: a child of USER_SCHEMA named by the MD5 of the user id.
    private static async Task ProvisionAsync(BenchmarkEnvironment environment, int tenants)
    {
        var step = Math.Max(1, tenants / 10);
        var (_, server, elapsed) = await new DatabaseCreator(environment.Client).CreateManyAsync(
            index => TenantId.FromClerkId(UserId(index)).Value, UserSchema, tenants, ProvisionConcurrency, done =>
            {
                if (done % step == 0)
                {
                    Console.WriteLine(FormattableString.Invariant($"  {done,7} user databases"));
                }
            });
        Console.WriteLine(FormattableString.Invariant(
            $"{tenants} user databases provisioned in {elapsed.TotalSeconds:0} s ({tenants / elapsed.TotalSeconds:0} creates/s, {ProvisionConcurrency} at a time); inside tenantservice {Percentiles.Summary(server)}"));
    }

    private static string Throughput(LoadResult result)
    {
        var seconds = result.Elapsed.TotalSeconds;
        var (lists, creates) = (result.List.Client.Count, result.Create.Client.Count);
        return FormattableString.Invariant(
            $"{(lists + creates) / seconds:0} requests/s over {seconds:0.0} s (list {lists / seconds:0}/s, create {creates / seconds:0}/s), {result.List.Errors + result.Create.Errors} errors");
    }
}
