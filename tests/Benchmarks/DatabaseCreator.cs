using System.Diagnostics;
using System.Net;
using System.Text;

namespace Benchmarks;

/// <summary>Creates databases through the platform API, timing each at the client and inside the service (Server-Timing).</summary>
internal sealed class DatabaseCreator(HttpClient client)
{
    private const string Path = "/v1/organizations/local/databases";

    public async Task<(double ClientMs, double ServerMs)> CreateChildAsync(string name, string schema)
    {
        var body = new StringContent($"{{\"name\":\"{name}\",\"schema\":\"{schema}\"}}", Encoding.UTF8, "application/json");
        var started = Stopwatch.GetTimestamp();
        using var response = await client.PostAsync(Path, body);
        var clientMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"create {name}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }

        return (clientMs, ServerTimingHeader.Milliseconds(response));
    }

    /// <summary>Runs <paramref name="count"/> creates, database <c>i</c> named <paramref name="nameOf"/>(i), with <paramref name="concurrency"/> in flight; returns each one's timings.</summary>
    public async Task<(double[] Client, double[] Server, TimeSpan Elapsed)> CreateManyAsync(
        Func<int, string> nameOf, string schema, int count, int concurrency, Action<int>? progress = null)
    {
        var clientTimes = new double[count];
        var serverTimes = new double[count];
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (index, _) =>
        {
            (clientTimes[index], serverTimes[index]) = await CreateChildAsync(nameOf(index), schema);
            progress?.Invoke(index + 1);
        });
        return (clientTimes, serverTimes, clock.Elapsed);
    }
}
