using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Benchmarks;

/// <summary>
/// Load from wrk, a separate C process: it costs a fraction of an in-process HttpClient, so on 2 cores
/// the services, not the load generator, are what is measured. Each request carries the next user's token.
/// </summary>
internal static partial class Wrk
{
    // One Lua state per wrk thread; each starts at its own offset so threads spread over the users.
    private const string Script = """
        local tokens = {}
        for line in io.lines(os.getenv("WRK_TOKENS")) do tokens[#tokens + 1] = line end
        local count = 0
        function setup(thread) count = count + 1; thread:set("offset", count * 7919) end
        function request()
          count = count + 1
          local token = tokens[((offset or 0) + count) % #tokens + 1]
          return wrk.format("GET", nil, { ["Authorization"] = "Bearer " .. token })
        end
        """;

    public static async Task<WrkResult> RunAsync(Uri url, IReadOnlyList<string> tokens, int connections, TimeSpan duration)
    {
        var binary = new[] { "/usr/bin/wrk", "/usr/local/bin/wrk" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("The gateway benchmark needs wrk (apt-get install wrk).");
        var folder = Directory.CreateTempSubdirectory("wrk-").FullName;
        try
        {
            var script = Path.Combine(folder, "tokens.lua");
            var tokenFile = Path.Combine(folder, "tokens.txt");
            await File.WriteAllTextAsync(script, Script);
            await File.WriteAllLinesAsync(tokenFile, tokens);
            var start = new ProcessStartInfo(binary,
                ["-t2", $"-c{connections}", $"-d{(int)duration.TotalSeconds}s", "--latency", "-s", script, url.ToString()])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                Environment = { ["WRK_TOKENS"] = tokenFile },
            };
            using var wrk = Process.Start(start)!;
            var output = await wrk.StandardOutput.ReadToEndAsync();
            var errors = await wrk.StandardError.ReadToEndAsync();
            await wrk.WaitForExitAsync();
            return wrk.ExitCode == 0 ? Parse(output) : throw new InvalidOperationException($"wrk failed ({wrk.ExitCode}): {errors}{output}");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static WrkResult Parse(string output)
    {
        var failed = NonSuccess().Match(output) is { Success: true } match ? long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
        if (failed > 0 || output.Contains("Socket errors", StringComparison.Ordinal))
        {
            // A benchmark of failing requests measures nothing; say what went wrong instead.
            throw new InvalidOperationException($"wrk saw failed requests:\n{output}");
        }

        return new WrkResult(
            double.Parse(RequestsPerSecond().Match(output).Groups[1].Value, CultureInfo.InvariantCulture),
            Latency(output, "50"),
            Latency(output, "99"));
    }

    private static double Latency(string output, string percentile)
    {
        var match = Regex.Match(output, $@"^\s+{percentile}%\s+([\d.]+)(us|ms|s)\s*$", RegexOptions.Multiline);
        var value = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        return match.Groups[2].Value switch { "us" => value / 1000, "s" => value * 1000, _ => value };
    }

    [GeneratedRegex(@"Requests/sec:\s+([\d.]+)")]
    private static partial Regex RequestsPerSecond();

    [GeneratedRegex(@"Non-2xx or 3xx responses:\s+(\d+)")]
    private static partial Regex NonSuccess();
}

/// <summary>Throughput and latency percentiles (ms) of one wrk run.</summary>
internal sealed record WrkResult(double RequestsPerSecond, double P50, double P99)
{
    public override string ToString() =>
        FormattableString.Invariant($"{RequestsPerSecond,8:0} requests/s  p50 {P50:0.00} ms  p99 {P99:0.00} ms");
}
