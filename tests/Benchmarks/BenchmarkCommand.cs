using System.Globalization;
using System.Numerics;

namespace Benchmarks;

/// <summary>
/// <c>create-databases --count N [--concurrency C]</c>: create N children of a schema through the HTTP API and
/// report latency inside the service (Server-Timing) and at the client, and throughput.
/// <c>memory --count N [--concurrency C]</c>: provision N databases and report the service's resident memory.
/// <c>hrana-select --count N [--concurrency C]</c>: point SELECTs through the libSQL endpoint; requests/s and latency.
/// <c>migrate --children N [--runs R]</c>: one ADD COLUMN fanned out to N children; databases/s and write-blocked time.
/// <c>gateway [--users U] [--concurrency C] [--seconds S] [--telemetry off]</c>: the gateway's cost against direct calls.
/// <c>todos [--tenants N] [--concurrency C] [--seconds S] [--zipf s]</c>: todoservice under a Zipf load over N tenants.
/// </summary>
internal static class BenchmarkCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length > 0 && args[0] == "gateway")
        {
            // Boots the whole system through the AppHost rather than tenantservice alone.
            return await GatewayBenchmark.RunAsync(Option(args, "--users", 200), Option(args, "--concurrency", 16),
                TimeSpan.FromSeconds(Option(args, "--seconds", 10)), !args.Contains("off"));
        }

        if (args.Length == 0 || args[0] is not ("create-databases" or "memory" or "hrana-select" or "migrate" or "todos"))
        {
            await Console.Error.WriteLineAsync(
                "usage: dotnet run -c Release --project tests/Benchmarks -- create-databases --count 10000 [--concurrency 1]\n" +
                "       dotnet run -c Release --project tests/Benchmarks -- memory --count 100000 [--concurrency 4]\n" +
                "       dotnet run -c Release --project tests/Benchmarks -- hrana-select --count 20000 [--concurrency 16]\n" +
                "       dotnet run -c Release --project tests/Benchmarks -- migrate --children 10000 [--runs 3]\n" +
                "       dotnet run -c Release --project tests/Benchmarks -- gateway [--users 200] [--concurrency 16] [--seconds 10] [--telemetry off]\n" +
                "       dotnet run -c Release --project tests/Benchmarks -- todos [--tenants 100000] [--concurrency 16] [--seconds 20] [--zipf 1.0]");
            return 2;
        }

        var count = Option(args, "--count", args[0] switch { "memory" => 100_000, "hrana-select" => 20_000, _ => 10_000 });
        var concurrency = Option(args, "--concurrency", args[0] switch { "memory" => 4, "hrana-select" or "todos" => 16, _ => 1 });
        Console.WriteLine($"Machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}");
        await using var environment = await BenchmarkEnvironment.StartAsync();
        Console.WriteLine($"TenantService pid {environment.Service.ProcessId}, DATA_DIR {environment.DataDirectory}, Redis {environment.Redis}");

        Console.WriteLine($"load average before: {LoadAverage()}");
        var result = args[0] switch
        {
            "memory" => await MemoryBenchmark.RunAsync(environment, count, concurrency),
            "migrate" => await MigrateBenchmark.RunAsync(environment, Option(args, "--children", 10_000), Option(args, "--runs", 3)),
            "hrana-select" => await HranaSelectBenchmark.RunAsync(environment, count, concurrency),
            "todos" => await TodosBenchmark.RunAsync(environment, Option(args, "--tenants", 100_000), concurrency,
                TimeSpan.FromSeconds(Option(args, "--seconds", 20)), Option(args, "--zipf", 1.0)),
            _ => await CreateBenchmark.RunAsync(environment, count, concurrency),
        };
        // Other work on the machine shows up in the tail latencies; the load says how quiet it was.
        Console.WriteLine($"load average after: {LoadAverage()}");
        return result;
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    private static T Option<T>(string[] args, string name, T fallback) where T : INumber<T>
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length && T.TryParse(args[index + 1], NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value > T.Zero
            ? value
            : fallback;
    }
}
