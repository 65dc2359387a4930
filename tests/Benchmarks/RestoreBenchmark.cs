using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using StackExchange.Redis;
using Tenancy.Databases;
using Tenancy.Metadata;

namespace Benchmarks;

/// <summary>
/// <c>restore [--megabytes M] [--runs R]</c>: restores one M MiB database in place from its snapshot R times through
/// tenantservice's API, a libSQL write between restores so the service holds the database open and has a WAL to fold.
/// Reports the restore's latency at the client and how long writes were blocked (Migrating to Migrated, as a
/// subscriber to the tenant events like todoservice sees it), against copying and flushing the same file.
/// </summary>
internal static class RestoreBenchmark
{
    private const string Name = "restore-bench";
    private const string Databases = "/v1/organizations/local/databases";

    public static async Task<int> RunAsync(BenchmarkEnvironment environment, int megabytes, int runs)
    {
        var client = environment.Client;
        await PostOkAsync(client, Databases, new { name = Name });
        var path = new DatabaseLayout(environment.DataDirectory).DatabasePath(DatabaseName.Parse(Name));
        Fill(path, megabytes);
        var copyMs = TimeCopies(path, Math.Min(runs, 10));
        Console.WriteLine($"Physical reference: copy {new FileInfo(path).Length / 1048576.0:0.0} MiB + fsync file and folder {Percentiles.Summary(copyMs)}");
        var timestamp = (string)(await PostOkAsync(client, $"{Databases}/{Name}/backups", null))["backup"]!["timestamp"]!;

        using var redis = await ConnectionMultiplexer.ConnectAsync(environment.Redis);
        long? blockedSince = null;
        var blocked = new ConcurrentQueue<double>();
        await using var subscription = await new TenantMetadataStore(redis).SubscribeAsync(tenantEvent =>
        {
            if (tenantEvent.Name.Value != Name)
            {
                return Task.CompletedTask;
            }

            if (tenantEvent is { Type: TenantEventType.Migrating, BlockWrites: true })
            {
                blockedSince = Stopwatch.GetTimestamp();
            }
            else if (tenantEvent is { Type: TenantEventType.Reopened or TenantEventType.Migrated, BlockWrites: false } && blockedSince is { } since)
            {
                // Writers wait at their gates until the first event that lifts the block (the reopen, then the release).
                blocked.Enqueue(Stopwatch.GetElapsedTime(since).TotalMilliseconds);
                blockedSince = null;
            }

            return Task.CompletedTask;
        });

        var restoreMs = new List<double>();
        for (var run = 1; run <= runs; run++)
        {
            await PostOkAsync(client, $"/db/{Name}/v3/pipeline", new
            {
                requests = new object[] { new { type = "execute", stmt = new { sql = $"INSERT INTO notes (payload) VALUES (randomblob(1000))" } }, new { type = "close" } },
            });
            var clock = Stopwatch.StartNew();
            await PostOkAsync(client, $"{Databases}/{Name}/restore", new { timestamp });
            restoreMs.Add(clock.Elapsed.TotalMilliseconds);
        }

        // The last release may still be on its way through pub/sub.
        for (var wait = 0; blocked.Count < runs && wait < 50; wait++)
        {
            await Task.Delay(100);
        }

        var restores = restoreMs.ToArray();
        var blocks = blocked.ToArray();
        Console.WriteLine($"{runs} restores of {megabytes} MiB: {Percentiles.Summary(restores)} at the client");
        Console.WriteLine($"write-blocked per restore ({blocks.Length} seen): {Percentiles.Summary(blocks)}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"against copy + fsync of the same file (p50 {Percentiles.Of(copyMs, 50):0.0} ms): restore p50 {PhysicalReference.Ratio(Percentiles.Of(restores, 50), Percentiles.Of(copyMs, 50))}, "
            + $"write-blocked p50 {PhysicalReference.Ratio(Percentiles.Of(blocks, 50), Percentiles.Of(copyMs, 50))}"));
        return blocks.Length == runs ? 0 : 1;
    }

    // About M MiB of 1 KB rows, written before the service ever opens the file.
    private static void Fill(string path, int megabytes)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"""
            CREATE TABLE notes (id INTEGER PRIMARY KEY, payload BLOB NOT NULL);
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {megabytes * 1000})
            INSERT INTO notes (payload) SELECT randomblob(1000) FROM n;
            PRAGMA wal_checkpoint(TRUNCATE);
            """;
        command.ExecuteNonQuery();
    }

    // What a restore costs at least: its snapshot copied beside the live file and flushed, with its folder.
    private static double[] TimeCopies(string path, int count)
    {
        var times = new double[count];
        var folder = Path.GetDirectoryName(path)!;
        for (var i = 0; i < count; i++)
        {
            var copy = Path.Combine(folder, $"physical-{i}.copy");
            var started = Stopwatch.GetTimestamp();
            File.Copy(path, copy);
            using (var file = new FileStream(copy, FileMode.Open, FileAccess.ReadWrite))
            {
                file.Flush(flushToDisk: true);
            }

            DiskFlush.Folder(folder);

            times[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            File.Delete(copy);
        }

        return times;
    }

    private static async Task<JsonNode> PostOkAsync(HttpClient client, string path, object? body)
    {
        using var response = body is null ? await client.PostAsync(path, null) : await client.PostAsJsonAsync(path, body);
        var text = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"POST {path}: {(int)response.StatusCode} {text}");
        }

        return JsonNode.Parse(text)!;
    }
}
