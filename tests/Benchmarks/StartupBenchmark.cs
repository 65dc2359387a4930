using System.Text.RegularExpressions;
using Testing;

namespace Benchmarks;

/// <summary>
/// <c>startup [--runs N]</c>: the built AppHost started N times as a user starts it after a build, each in a fresh
/// DATA_DIR; the time from process start to its ready line (every service healthy), then Ctrl+C and the time until
/// every process it started is gone.
/// </summary>
internal static partial class StartupBenchmark
{
    private static readonly TimeSpan Target = TimeSpan.FromSeconds(15);

    public static async Task<int> RunAsync(int runs)
    {
        Console.WriteLine($"Machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}; load average before: {BenchmarkCommand.LoadAverage()}");
        Console.WriteLine($"dotnet {ServiceBuild.Assembly("AppHost")}, {runs} runs, each in a fresh DATA_DIR and stopped with SIGINT");
        var times = new List<double>(runs);
        for (var run = 1; run <= runs; run++)
        {
            await using var appHost = AppHostProcess.Start();
            var (ready, line) = await appHost.WaitReadyAsync();
            var stopped = await appHost.StopAsync();
            times.Add(ready.TotalSeconds);
            var ownCount = OwnCount().Match(line) is { Success: true } match ? $"{match.Groups[1].Value} ms" : "not printed";
            Console.WriteLine(FormattableString.Invariant(
                $"run {run}: '{AppHostProcess.ReadyLine}' after {ready.TotalSeconds:0.00} s (the AppHost's own count: {ownCount}); everything stopped {stopped.TotalSeconds:0.0} s after SIGINT"));
        }

        var median = Median(times);
        Console.WriteLine(FormattableString.Invariant($"median of {runs}: {median:0.00} s (min {times.Min():0.00}, max {times.Max():0.00}); load average after: {BenchmarkCommand.LoadAverage()}"));
        Console.WriteLine(median <= Target.TotalSeconds
            ? FormattableString.Invariant($"target met: ready within {Target.TotalSeconds:0} s")
            : FormattableString.Invariant($"TARGET MISSED: ready within {Target.TotalSeconds:0} s"));
        return 0;
    }

    // Of an even count, the mean of the middle two: the nearest-rank p50 of two runs would be the faster one.
    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    [GeneratedRegex(@" in (\d+) ms")]
    private static partial Regex OwnCount();
}
