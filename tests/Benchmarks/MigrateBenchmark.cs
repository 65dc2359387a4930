using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using StackExchange.Redis;
using Tenancy.Metadata;

namespace Benchmarks;

/// <summary>
/// <c>migrate --children N [--runs R]</c>: one <c>ALTER TABLE ... ADD COLUMN</c> fanned out from a schema database to
/// N children, R times. Reports total time, databases per second and, per child, how long its writes were blocked
/// under the rolling lock, as a subscriber to the tenant events (like todoservice) sees it: Migrating to Migrated.
/// </summary>
internal static class MigrateBenchmark
{
    private const string Schema = "bench-schema";
    private const string Databases = "/v1/organizations/local/databases";
    private const double TargetRateRatio = 2;
    private const double TargetBlockedP99Ms = 20;

    public static async Task<int> RunAsync(BenchmarkEnvironment environment, int children, int runs, PhysicalReference physical)
    {
        var client = environment.Client;
        await PostOkAsync(client, Databases, new { name = Schema, is_schema = true });
        await PostOkAsync(client, $"{Databases}/{Schema}/migrations", new { sql = "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL);", wait = true });
        Console.WriteLine($"Creating {children} children of {Schema}...");
        var (_, _, createTime) = await new DatabaseCreator(client).CreateManyAsync(i => $"tenant-{i}", Schema, children, concurrency: 8);
        Console.WriteLine(FormattableString.Invariant($"created in {createTime.TotalSeconds:0.0} s"));

        using var redis = await ConnectionMultiplexer.ConnectAsync(environment.Redis);
        var blockedSince = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        var blockedMs = new ConcurrentQueue<double>();
        await using var subscription = await new TenantMetadataStore(redis).SubscribeAsync(tenantEvent =>
        {
            var name = tenantEvent.Name.Value;
            if (tenantEvent is { Type: TenantEventType.Migrating, BlockWrites: true })
            {
                blockedSince[name] = Stopwatch.GetTimestamp();
            }
            else if (tenantEvent is { Type: TenantEventType.Migrated, BlockWrites: false } && blockedSince.TryRemove(name, out var since))
            {
                blockedMs.Enqueue(Stopwatch.GetElapsedTime(since).TotalMilliseconds);
            }

            return Task.CompletedTask;
        });

        var seconds = new List<double>();
        var rates = new List<double>();
        var p99s = new List<double>();
        for (var run = 1; run <= runs; run++)
        {
            blockedMs.Clear();
            var cpuBefore = environment.Service.CpuTime;
            var clock = Stopwatch.StartNew();
            var accepted = await PostOkAsync(client, $"{Databases}/{Schema}/migrations", new { sql = $"ALTER TABLE items ADD COLUMN note{run} TEXT;", @lock = "rolling" });
            var id = (long)accepted["job_id"]!;
            var status = await WaitForJobAsync(client, id);
            var elapsed = clock.Elapsed.TotalSeconds;
            var cpuMs = (environment.Service.CpuTime - cpuBefore).TotalMilliseconds;
            if (status != "RunSuccess")
            {
                Console.WriteLine($"run {run}: job {id} ended {status}");
                return 1;
            }

            // The last releases may still be on their way through pub/sub.
            for (var wait = 0; blockedMs.Count < children && wait < 50; wait++)
            {
                await Task.Delay(100);
            }

            var blocked = blockedMs.ToArray();
            seconds.Add(elapsed);
            rates.Add((children + 1) / elapsed);
            p99s.Add(Percentiles.Of(blocked, 99));
            Console.WriteLine(FormattableString.Invariant(
                $"run {run}: {children + 1} databases in {elapsed:0.00} s = {(children + 1) / elapsed:0} databases/s ({PhysicalReference.Ratio((children + 1) / elapsed, physical.AltersPerSecond)} one thread's open + ALTER + commit); write-blocked per child ({blocked.Length} seen): {Percentiles.Summary(blocked)}; tenantservice CPU {cpuMs / (children + 1):0.00} ms per database ({cpuMs / 1000 / elapsed:0.00} cores busy)"));
        }

        var medianRate = Median(rates);
        var medianP99 = Median(p99s);
        Console.WriteLine(FormattableString.Invariant(
            $"median of {runs} runs: {Median(seconds):0.00} s, {medianRate:0} databases/s, p99 write-blocked {medianP99:0.0} ms (rolling)"));
        Console.WriteLine(FormattableString.Invariant(
            $"against the physical open + ALTER + commit (p50 {physical.AlterP50:0.000} ms, {physical.AltersPerSecond:0} databases/s on one thread): {PhysicalReference.Ratio(medianRate, physical.AltersPerSecond)}; p99 write-blocked {PhysicalReference.Ratio(medianP99, physical.AlterP50)} one ALTER"));
        var met = medianRate >= TargetRateRatio * physical.AltersPerSecond && medianP99 <= TargetBlockedP99Ms;
        var target = FormattableString.Invariant($">= {TargetRateRatio}x one thread's open + ALTER + commit, p99 write-blocked <= {TargetBlockedP99Ms} ms");
        Console.WriteLine(met ? $"target met: {target}" : $"TARGET MISSED: {target}");
        return 0;
    }

    private static async Task<string> WaitForJobAsync(HttpClient client, long id)
    {
        string[] final = ["DryRunSuccess", "DryRunFailure", "RunSuccess", "RunFailure"];
        while (true)
        {
            using var response = await client.GetAsync($"{Databases}/{Schema}/jobs/{id}");
            var job = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
            var status = (string)job["status"]!;
            if (final.Contains(status))
            {
                return status;
            }

            await Task.Delay(50);
        }
    }

    private static async Task<JsonNode> PostOkAsync(HttpClient client, string path, object body)
    {
        using var response = await client.PostAsJsonAsync(path, body);
        var text = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"POST {path}: {(int)response.StatusCode} {text}");
        }

        return JsonNode.Parse(text)!;
    }

    private static double Median(List<double> values) => Percentiles.Of([.. values], 50);
}
