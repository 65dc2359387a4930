namespace Benchmarks;

/// <summary>Provisions many databases and reports the service's resident memory as the count grows.</summary>
internal static class MemoryBenchmark
{
    private const double TargetMegabytes = 150;

    public static async Task<int> RunAsync(BenchmarkEnvironment environment, int count, int concurrency, PhysicalReference physical)
    {
        var creator = new DatabaseCreator(environment.Client);
        var service = environment.Service;
        Console.WriteLine(FormattableString.Invariant($"RSS at start: {service.StatusMebibytes("VmRSS"):0} MiB"));
        var step = Math.Max(1, count / 10);
        var reported = 0;
        var gate = new Lock();
        var (_, server, elapsed) = await creator.CreateManyAsync(i => $"mem-{i}", "todos-schema", count, concurrency, done =>
        {
            lock (gate)
            {
                if (done / step > reported)
                {
                    reported = done / step;
                    Console.WriteLine(FormattableString.Invariant($"  {done,7} databases: RSS {service.StatusMebibytes("VmRSS"):0} MiB"));
                }
            }
        });

        var rss = service.StatusMebibytes("VmRSS");
        Console.WriteLine(FormattableString.Invariant($"{count} databases in {elapsed.TotalSeconds:0} s ({count / elapsed.TotalSeconds:0} creates/s); inside the service {Percentiles.Summary(server)}"));
        Console.WriteLine(FormattableString.Invariant(
            $"against the physical copy + fsync (p50 {physical.CopyP50:0.000} ms, {physical.CopiesPerSecond:0}/s on one thread): inside p50 {PhysicalReference.Ratio(Percentiles.Of(server, 50), physical.CopyP50)}, creates/s {PhysicalReference.Ratio(count / elapsed.TotalSeconds, physical.CopiesPerSecond)}"));
        Console.WriteLine(FormattableString.Invariant($"tenantservice RSS at {count} databases: {rss:0} MiB ({service.RssParts()}; peak {service.StatusMebibytes("VmHWM"):0} MiB)"));

        // A restart reconciles every file with platform.db and republishes every record to Redis: the other time all of them are touched.
        var restart = await environment.RestartServiceAsync();
        Console.WriteLine(FormattableString.Invariant($"restart with {count} databases: answering after {restart.TotalSeconds:0.0} s, RSS {environment.Service.StatusMebibytes("VmRSS"):0} MiB"));
        await Task.Delay(TimeSpan.FromSeconds(10));
        Console.WriteLine(FormattableString.Invariant($"10 s later (republish done): RSS {environment.Service.StatusMebibytes("VmRSS"):0} MiB ({environment.Service.RssParts()}; peak {environment.Service.StatusMebibytes("VmHWM"):0} MiB)"));

        var megabytes = rss * 1024 * 1024 / 1e6;
        Console.WriteLine(megabytes <= TargetMegabytes
            ? FormattableString.Invariant($"target met: RSS {megabytes:0} MB <= {TargetMegabytes} MB")
            : FormattableString.Invariant($"TARGET MISSED: RSS {megabytes:0} MB <= {TargetMegabytes} MB"));
        return 0;
    }
}
