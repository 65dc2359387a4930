namespace Benchmarks;

/// <summary>Creates children of <c>todos-schema</c> and reports per-create latency and throughput.</summary>
internal static class CreateBenchmark
{
    private const int Warmup = 200;

    public static async Task<int> RunAsync(BenchmarkEnvironment environment, int count, int concurrency)
    {
        var creator = new DatabaseCreator(environment.Client);
        await creator.CreateManyAsync(i => $"warmup-{i}", "todos-schema", Warmup, concurrency);

        Console.WriteLine($"Creating {count} children of todos-schema, {concurrency} at a time...");
        var (client, server, elapsed) = await creator.CreateManyAsync(i => $"bench-{i}", "todos-schema", count, concurrency);

        Console.WriteLine(FormattableString.Invariant($"inside the service (Server-Timing): {Percentiles.Summary(server)}"));
        Console.WriteLine(FormattableString.Invariant($"at the client:                     {Percentiles.Summary(client)}"));
        Console.WriteLine(FormattableString.Invariant($"throughput: {count / elapsed.TotalSeconds:0} creates/s ({count} in {elapsed.TotalSeconds:0.0} s)"));
        Console.WriteLine(FormattableString.Invariant($"tenantservice RSS: {environment.Service.StatusMebibytes("VmRSS"):0} MiB (peak {environment.Service.StatusMebibytes("VmHWM"):0} MiB)"));

        var p50 = Percentiles.Of(server, 50);
        var p99 = Percentiles.Of(server, 99);
        var met = p50 <= 2 && p99 <= 10;
        Console.WriteLine(met ? "target met: p50 <= 2 ms, p99 <= 10 ms inside the service" : "TARGET MISSED: p50 <= 2 ms, p99 <= 10 ms inside the service");
        return 0;
    }
}
