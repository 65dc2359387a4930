namespace Benchmarks;

/// <summary>
/// Creates children of <c>todos-schema</c> and reports per-create latency and throughput, each also as a ratio to the
/// physical reference of the same run: a create is at heart a durable copy of a small file (copy + fsync of file and folder).
/// </summary>
internal static class CreateBenchmark
{
    private const int Warmup = 200;
    private const double TargetP50Ratio = 1.5;
    private const double TargetP99Ratio = 5;

    public static async Task<int> RunAsync(BenchmarkEnvironment environment, int count, int concurrency, PhysicalReference physical)
    {
        var creator = new DatabaseCreator(environment.Client);
        await creator.CreateManyAsync(i => $"warmup-{i}", "todos-schema", Warmup, concurrency);

        Console.WriteLine($"Creating {count} children of todos-schema, {concurrency} at a time...");
        var (client, server, elapsed) = await creator.CreateManyAsync(i => $"bench-{i}", "todos-schema", count, concurrency);

        var p50 = Percentiles.Of(server, 50);
        var p99 = Percentiles.Of(server, 99);
        var rate = count / elapsed.TotalSeconds;
        Console.WriteLine(FormattableString.Invariant($"inside the service (Server-Timing): {Percentiles.Summary(server)}"));
        Console.WriteLine(FormattableString.Invariant($"at the client:                     {Percentiles.Summary(client)}"));
        Console.WriteLine(FormattableString.Invariant($"throughput: {rate:0} creates/s ({count} in {elapsed.TotalSeconds:0.0} s)"));
        Console.WriteLine(FormattableString.Invariant(
            $"against the physical copy + fsync (p50 {physical.CopyP50:0.000} ms, p99 {physical.CopyP99:0.000} ms, {physical.CopiesPerSecond:0}/s): inside p50 {PhysicalReference.Ratio(p50, physical.CopyP50)}, p99 {PhysicalReference.Ratio(p99, physical.CopyP50)} of its p50 ({PhysicalReference.Ratio(p99, physical.CopyP99)} of its p99); throughput {PhysicalReference.Ratio(rate, physical.CopiesPerSecond)}"));
        Console.WriteLine(FormattableString.Invariant($"tenantservice RSS: {environment.Service.StatusMebibytes("VmRSS"):0} MiB (peak {environment.Service.StatusMebibytes("VmHWM"):0} MiB)"));

        var met = p50 <= TargetP50Ratio * physical.CopyP50 && p99 <= TargetP99Ratio * physical.CopyP50;
        var target = FormattableString.Invariant($"p50 <= {TargetP50Ratio}x and p99 <= {TargetP99Ratio}x the physical copy's p50 inside the service");
        Console.WriteLine(met ? $"target met: {target}" : $"TARGET MISSED: {target}");
        return 0;
    }
}
