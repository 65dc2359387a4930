using System.Diagnostics;
using Testing;

namespace Benchmarks;

/// <summary>
/// <c>webhook-ready --count N [--concurrency C]</c>: svix-signed Clerk <c>user.created</c> events for N new users;
/// tenantservice answers once the user's database is created and published, so the answer's time is the time
/// from the event to a ready database.
/// </summary>
internal static class WebhookBenchmark
{
    private const int Warmup = 200;

    private static readonly SvixSigner Signer = new(BenchmarkEnvironment.WebhookSecret);

    public static async Task<int> RunAsync(BenchmarkEnvironment environment, int count, int concurrency, PhysicalReference physical)
    {
        await SendManyAsync(environment.Client, "warmup", Warmup, concurrency);
        Console.WriteLine($"{count} user.created events, {concurrency} at a time...");
        var (client, server, elapsed) = await SendManyAsync(environment.Client, "bench", count, concurrency);

        Console.WriteLine(FormattableString.Invariant($"inside the service (Server-Timing): {Percentiles.Summary(server)}"));
        Console.WriteLine(FormattableString.Invariant($"at the sender:                     {Percentiles.Summary(client)}"));
        Console.WriteLine(FormattableString.Invariant($"throughput: {count / elapsed.TotalSeconds:0} users/s"));
        Console.WriteLine(FormattableString.Invariant(
            $"against the physical copy + fsync (p50 {physical.CopyP50:0.000} ms): inside p50 {PhysicalReference.Ratio(Percentiles.Of(server, 50), physical.CopyP50)}, p99 {PhysicalReference.Ratio(Percentiles.Of(server, 99), physical.CopyP50)}; at the sender p50 {PhysicalReference.Ratio(Percentiles.Of(client, 50), physical.CopyP50)}, p99 {PhysicalReference.Ratio(Percentiles.Of(client, 99), physical.CopyP50)}"));
        var p99 = Percentiles.Of(client, 99);
        Console.WriteLine(p99 <= 20 ? "target met: user.created to ready p99 <= 20 ms" : "TARGET MISSED: user.created to ready p99 <= 20 ms");
        return 0;
    }

    private static async Task<(double[] Client, double[] Server, TimeSpan Elapsed)> SendManyAsync(HttpClient client, string prefix, int count, int concurrency)
    {
        var clientTimes = new double[count];
        var serverTimes = new double[count];
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (index, _) =>
        {
            using var request = UserCreated($"user_{prefix}_{index}");
            var started = Stopwatch.GetTimestamp();
            using var response = await client.SendAsync(request);
            clientTimes[index] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            var answer = await response.Content.ReadAsStringAsync();
            if (!response.IsSuccessStatusCode || !answer.Contains("\"created\"", StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"user.created {index}: {(int)response.StatusCode} {answer}");
            }

            serverTimes[index] = ServerTimingHeader.Milliseconds(response);
        });
        return (clientTimes, serverTimes, clock.Elapsed);
    }

    private static HttpRequestMessage UserCreated(string userId) =>
        Signer.Delivery($$$"""{"type":"user.created","object":"event","data":{"id":"{{{userId}}}","object":"user"}}""");
}
