using System.Globalization;
using System.Numerics;

namespace Benchmarks;

/// <summary>
/// <c>create-databases --count N [--concurrency C]</c>: create N children of a schema through the HTTP API and
/// report latency inside the service (Server-Timing) and at the client, and throughput.
/// <c>memory --count N [--concurrency C]</c>: provision N databases and report the service's resident memory.
/// <c>hrana-select --count N [--concurrency C]</c>: point SELECTs through the libSQL endpoint; requests/s and latency.
/// <c>libsql-client [--count N] [--concurrency C] [--rounds R]</c>: the C# libSQL client's per-request cost against a bare HttpClient.
/// <c>migrate --children N [--runs R]</c>: one ADD COLUMN fanned out to N children; databases/s and write-blocked time.
/// <c>webhook-ready --count N [--concurrency C]</c>: svix-signed user.created events; time until each user's database is ready.
/// <c>gateway [--users U] [--todos T] [--concurrency C] [--seconds S] [--rounds R]</c>: the gateway's and telemetry's cost, with wrk.
/// <c>remote-todos [--tenants N] [--todos M] [--concurrency C] [--seconds S] [--rounds R] [--direct]</c>: the todo list through the gateway, storage local vs on a second node.
/// <c>hrana-vs-api [--users U] [--todos N] [--concurrency C] [--seconds S] [--telemetry off]</c>: one todo over libSQL and over the todo API.
/// <c>todos [--tenants N] [--concurrency C] [--seconds S] [--zipf s]</c>: todoservice under a Zipf load over N tenants.
/// <c>startup [--runs N]</c>: the built AppHost, from process start to its ready line, N times.
/// <c>idle-memory</c>: what the AppHost and every process it starts hold (PSS) when idle.
/// <c>page [--requests N] [--telemetry off]</c>: the web app's todos page, warm: latency inside and at the client, and its weight.
/// <c>physical [--count N]</c>: the disk's and SQLite's own cost (<see cref="PhysicalReference"/>), which the storage benchmarks also print.
/// <c>token-check [--tokens N] [--rotations R] [--working-set W] [--requests Q] [--rounds K]</c>: the gateway's bearer check per request, session vs database tokens.
/// <c>backup-pass [--databases N] [--changed C] [--rounds R]</c>: tenantservice's snapshot pass in process; µs per skipped database, snapshots/s.
/// <c>restore [--megabytes M] [--runs R]</c>: restores in place through the API; latency and write-blocked time.
/// </summary>
internal static class BenchmarkCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        // These boot the whole system through the AppHost rather than tenantservice alone.
        var seconds = TimeSpan.FromSeconds(Option(args, "--seconds", 10));
        switch (args.Length > 0 ? args[0] : "")
        {
            case "startup":
                return await StartupBenchmark.RunAsync(Option(args, "--runs", 5));
            case "idle-memory":
                return await IdleMemoryBenchmark.RunAsync();
            case "gateway":
                return await GatewayBenchmark.RunAsync(Option(args, "--users", 200), Option(args, "--todos", 20), Option(args, "--concurrency", 16), seconds, Option(args, "--rounds", 3));
            case "remote-todos":
                return await RemoteTodosBenchmark.RunAsync(Option(args, "--tenants", 200), Option(args, "--todos", 20), Option(args, "--concurrency", 16), seconds, Option(args, "--rounds", 3), args.Contains("--direct"));
            case "hrana-vs-api":
                return await HranaVsApiBenchmark.RunAsync(Option(args, "--users", 20), Option(args, "--todos", 50), Option(args, "--concurrency", 16), seconds, !args.Contains("off"));
            case "page":
                return await PageBenchmark.RunAsync(Option(args, "--requests", 1000), !args.Contains("off"));
            case "token-check":
                return await TokenCheckBenchmark.RunAsync(Option(args, "--tokens", 100_000), Option(args, "--rotations", 1000),
                    Option(args, "--working-set", 2000), Option(args, "--requests", 200_000), Option(args, "--rounds", 5));
            case "backup-pass":
                return await BackupPassBenchmark.RunAsync(Option(args, "--databases", 100_000), Option(args, "--changed", 1000), Option(args, "--rounds", 3));
            case "physical":
                // Where the storage benchmarks' DATA_DIR lives (Directory.CreateTempSubdirectory), so the figures compare.
                PhysicalReference.Measure(Path.GetTempPath(), Option(args, "--count", 300)).Print();
                return 0;
        }

        if (args.Length == 0 || args[0] is not ("create-databases" or "memory" or "hrana-select" or "libsql-client" or "migrate" or "webhook-ready" or "todos" or "restore"))
        {
            await Console.Error.WriteLineAsync(
                "usage: dotnet run -c Release --project tests/Benchmarks -- create-databases --count 10000 [--concurrency 1]\n" +
                "       dotnet run -c Release --project tests/Benchmarks -- memory --count 100000 [--concurrency 4]\n" +
                "       dotnet run -c Release --project tests/Benchmarks -- hrana-select --count 20000 [--concurrency 16]\n" +
                "       dotnet run -c Release --project tests/Benchmarks -- libsql-client [--count 20000] [--concurrency 16] [--rounds 3]\n" +
                "       dotnet run -c Release --project tests/Benchmarks -- migrate --children 10000 [--runs 3]\n" +
                "       dotnet run -c Release --project tests/Benchmarks -- webhook-ready --count 5000 [--concurrency 1]\n" +
                "       dotnet run -c Release --project tests/Benchmarks -- gateway [--users 200] [--todos 20] [--concurrency 16] [--seconds 10] [--rounds 3]\n" +
                "       dotnet run -c Release --project tests/Benchmarks -- remote-todos [--tenants 200] [--todos 20] [--concurrency 16] [--seconds 10] [--rounds 3] [--direct]\n" +
                "       dotnet run -c Release --project tests/Benchmarks -- hrana-vs-api [--users 20] [--todos 50] [--concurrency 16] [--seconds 10] [--telemetry off]\n" +
                "       dotnet run -c Release --project tests/Benchmarks -- todos [--tenants 100000] [--concurrency 16] [--seconds 20] [--zipf 1.0] [--baseline OTHER/TodoService.dll or a native TodoService]\n" +
                "       dotnet run -c Release --project tests/Benchmarks -- startup [--runs 5]\n" +
                "       dotnet run -c Release --project tests/Benchmarks -- idle-memory\n" +
                "       dotnet run -c Release --project tests/Benchmarks -- page [--requests 1000] [--telemetry off]\n" +
                "       dotnet run -c Release --project tests/Benchmarks -- physical [--count 300]\n" +
                "       dotnet run -c Release --project tests/Benchmarks -- token-check [--tokens 100000] [--rotations 1000] [--working-set 2000] [--requests 200000] [--rounds 5]\n" +
                "       dotnet run -c Release --project tests/Benchmarks -- backup-pass [--databases 100000] [--changed 1000] [--rounds 3]\n" +
                "       dotnet run -c Release --project tests/Benchmarks -- restore [--megabytes 10] [--runs 20]");
            return 2;
        }

        var count = Option(args, "--count", args[0] switch { "memory" => 100_000, "hrana-select" or "libsql-client" => 20_000, _ => 10_000 });
        var concurrency = Option(args, "--concurrency", args[0] switch { "memory" => 4, "hrana-select" or "libsql-client" or "todos" => 16, _ => 1 });
        Console.WriteLine($"Machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}");
        await using var environment = await BenchmarkEnvironment.StartAsync();
        Console.WriteLine($"TenantService pid {environment.Service.ProcessId}, DATA_DIR {environment.DataDirectory}, Redis {environment.Redis}");

        Console.WriteLine($"load average before: {LoadAverage()}");
        // The disk's own cost on DATA_DIR's file system in this run: the storage benchmarks print their figures as ratios to it.
        var physical = args[0] is "create-databases" or "memory" or "migrate" or "webhook-ready" ? MeasurePhysical(environment.DataDirectory) : null;
        var result = args[0] switch
        {
            "memory" => await MemoryBenchmark.RunAsync(environment, count, concurrency, physical!),
            "migrate" => await MigrateBenchmark.RunAsync(environment, Option(args, "--children", 10_000), Option(args, "--runs", 3), physical!),
            "hrana-select" => await HranaSelectBenchmark.RunAsync(environment, count, concurrency),
            "libsql-client" => await LibsqlClientBenchmark.RunAsync(environment, count, concurrency, Option(args, "--rounds", 3)),
            "webhook-ready" => await WebhookBenchmark.RunAsync(environment, count, concurrency, physical!),
            "restore" => await RestoreBenchmark.RunAsync(environment, Option(args, "--megabytes", 10), Option(args, "--runs", 20)),
            "todos" => await TodosBenchmark.RunAsync(environment, Option(args, "--tenants", 100_000), concurrency,
                TimeSpan.FromSeconds(Option(args, "--seconds", 20)), Option(args, "--zipf", 1.0),
                Array.IndexOf(args, "--baseline") is var at and >= 0 && at + 1 < args.Length ? Path.GetFullPath(args[at + 1]) : null),
            _ => await CreateBenchmark.RunAsync(environment, count, concurrency, physical!),
        };
        // Other work on the machine shows up in the tail latencies; the load says how quiet it was.
        Console.WriteLine($"load average after: {LoadAverage()}");
        return result;
    }

    private static PhysicalReference MeasurePhysical(string dataDirectory)
    {
        var reference = PhysicalReference.Measure(dataDirectory);
        reference.Print();
        return reference;
    }

    internal static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    private static T Option<T>(string[] args, string name, T fallback) where T : INumber<T>
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length && T.TryParse(args[index + 1], NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value > T.Zero
            ? value
            : fallback;
    }
}
