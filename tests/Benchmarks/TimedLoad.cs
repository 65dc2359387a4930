using System.Diagnostics;
using Testing;

namespace Benchmarks;

/// <summary>
/// Closed-loop load for a fixed time: each worker sends its next request as soon as the last one is answered.
/// Worker w sends request numbers w, w + 1, w + 2, ... so that workers start spread over the callers' items.
/// </summary>
internal static class TimedLoad
{
    public static async Task<(double[] Latencies, TimeSpan Elapsed)> RunAsync(int concurrency, TimeSpan duration, Func<int, Task<HttpResponseMessage>> send)
    {
        var started = Stopwatch.GetTimestamp();
        var workers = Enumerable.Range(0, concurrency).Select(async worker =>
        {
            var latencies = new List<double>();
            var next = worker;
            while (Stopwatch.GetElapsedTime(started) < duration)
            {
                var sent = Stopwatch.GetTimestamp();
                using var response = await send(next++);
                response.EnsureSuccessStatusCode();
                latencies.Add(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
            }

            return latencies;
        });
        var all = await Task.WhenAll(workers);
        return (all.SelectMany(latencies => latencies).ToArray(), Stopwatch.GetElapsedTime(started));
    }

    /// <summary>
    /// Warms every path up, then measures each in turn and prints a line per path: requests/s, latency percentiles, and
    /// the CPU each of <paramref name="processes"/> spent per request. All warm-ups come first so that no path is
    /// measured while the system still settles from another's warm-up.
    /// </summary>
    public static async Task CompareAsync(
        int concurrency, TimeSpan warmUp, TimeSpan duration, IReadOnlyList<(string Name, int Pid)> processes, params (string Name, Func<int, Task<HttpResponseMessage>> Send)[] paths)
    {
        foreach (var (_, send) in paths)
        {
            await RunAsync(concurrency, warmUp, send);
        }

        foreach (var (name, send) in paths)
        {
            var cpuBefore = processes.Select(process => ProcessCpu.Of(process.Pid)).ToArray();
            var (latencies, elapsed) = await RunAsync(concurrency, duration, send);
            var cpu = processes.Select((process, i) => FormattableString.Invariant(
                $"{process.Name} {(ProcessCpu.Of(process.Pid) - cpuBefore[i]).TotalMicroseconds / latencies.Length:0} µs"));
            Console.WriteLine(FormattableString.Invariant(
                $"{name,-8} {latencies.Length / elapsed.TotalSeconds,8:0} requests/s  {Percentiles.Summary(latencies)}; CPU per request: {string.Join(", ", cpu)}"));
        }
    }
}
